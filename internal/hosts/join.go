package hosts

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Join exchanges a one-time join token for a client certificate. The token
// is consumed and the certificate's serial recorded in one transaction, so
// of two joins racing with one token exactly one succeeds. A host that
// joins again (with a new token) replaces both its serials: certificates
// from its earlier enrolment stop working.
//
// Every token failure (malformed, unknown, expired, used, VM deleted) is
// the same CodeUnauthorized answer.
func (s *Service) Join(ctx context.Context, req fabric.JoinRequest) (fabric.Enrolment, error) {
	secret, _, err := fabric.ParseJoinToken(req.JoinToken)
	if err != nil {
		return fabric.Enrolment{}, errJoin()
	}
	pub, err := parseCSR(req.CSR)
	if err != nil {
		return fabric.Enrolment{}, err
	}
	hash := fabric.HashJoinSecret(secret)
	var (
		hostID string
		cert   issued
	)
	err = s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		now := s.cfg.Now().UTC()
		h, err := tx.GetHostByJoinToken(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return errJoin()
		}
		if err != nil {
			return err
		}
		if _, err := getVM(ctx, tx, h.ID); errors.Is(err, store.ErrNotFound) {
			return errJoin()
		} else if err != nil {
			return err
		}
		// Signed inside the transaction so that the stored serial is the
		// one returned even if the backend reruns fn.
		cert, err = s.sign(pub, h.ID)
		if err != nil {
			return err
		}
		hostID = h.ID
		return tx.UpdateHost(ctx, h.ID, func(cur store.Host) (store.Host, error) {
			// Re-checked on the row as locked for update: the lookup
			// above is not a lock on every backend.
			if cur.JoinTokenHash != hash || !now.Before(cur.JoinExpiresAt) {
				return cur, errJoin()
			}
			cur.JoinTokenHash, cur.JoinExpiresAt = "", zeroTime
			cur.CertSerial, cur.CertExpiresAt = cert.serial, cert.notAft.UTC()
			cur.PrevCertSerial, cur.PrevCertExpiresAt = "", zeroTime
			cur.JoinedAt, cur.UpdatedAt = now, now
			return cur, nil
		})
	})
	if err != nil {
		return fabric.Enrolment{}, fmt.Errorf("hosts: join: %w", err)
	}
	s.cfg.Log.InfoContext(ctx, "host joined", "host", hostID, "serial", cert.serial, "expires", cert.notAft)
	return s.enrolment(hostID, cert), nil
}

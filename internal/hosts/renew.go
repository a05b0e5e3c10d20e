package hosts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

var zeroTime time.Time

// Renew issues hostID a certificate for a new key, authenticated by the
// certificate with serial (the caller has already run Authenticate). If
// serial is the current certificate, it becomes the previous one and stays
// valid until its own expiry, in case this answer is lost. If serial is
// the previous certificate (an earlier renewal's answer was lost), the
// current certificate, which the agent never received, is replaced and the
// previous one kept.
func (s *Service) Renew(ctx context.Context, hostID, serial string, req fabric.RenewRequest) (fabric.Enrolment, error) {
	pub, err := parseCSR(req.CSR)
	if err != nil {
		return fabric.Enrolment{}, err
	}
	var cert issued
	var id string
	err = s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		now := s.cfg.Now().UTC()
		h, err := tx.GetHost(ctx, hostID)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized()
		}
		if err != nil {
			return err
		}
		if cert, err = s.sign(pub, h.ID); err != nil {
			return err
		}
		id = h.ID
		return tx.UpdateHost(ctx, h.ID, func(cur store.Host) (store.Host, error) {
			switch {
			case validSerial(serial, cur.CertSerial, cur.CertExpiresAt, now):
				cur.PrevCertSerial, cur.PrevCertExpiresAt = cur.CertSerial, cur.CertExpiresAt
			case validSerial(serial, cur.PrevCertSerial, cur.PrevCertExpiresAt, now):
				// keep the previous certificate: it is what the agent holds
			default:
				return cur, errUnauthorized()
			}
			cur.CertSerial, cur.CertExpiresAt = cert.serial, cert.notAft.UTC()
			cur.UpdatedAt = now
			return cur, nil
		})
	})
	if err != nil {
		return fabric.Enrolment{}, fmt.Errorf("hosts: renew: %w", err)
	}
	s.cfg.Log.InfoContext(ctx, "host certificate renewed", "host", id, "serial", cert.serial, "expires", cert.notAft)
	return s.enrolment(id, cert), nil
}

// validSerial reports whether got is the stored serial want and that
// certificate has not expired at now.
func validSerial(got, want string, expires, now time.Time) bool {
	return want != "" && strings.EqualFold(got, want) && now.Before(expires)
}

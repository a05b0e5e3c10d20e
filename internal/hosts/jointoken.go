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

// CreateJoinToken issues a one-time join token for the VM hostID, replacing
// any pending one. The host's current certificate keeps working until the
// token is used (a join replaces it) or the host is revoked. Only the
// token's hash is stored; the token itself is returned once.
func (s *Service) CreateJoinToken(ctx context.Context, hostID string) (token string, expiresOn time.Time, err error) {
	token, hash, err := fabric.NewJoinToken(s.cfg.CA.Certificate().Raw)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("hosts: new join token: %w", err)
	}
	now := s.cfg.Now().UTC()
	expiresOn = now.Add(s.cfg.JoinTokenLifetime)
	err = s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		vm, err := getVM(ctx, tx, hostID)
		if err != nil {
			return err
		}
		h, err := tx.GetHost(ctx, vm.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			h = store.Host{ID: vm.ID, CreatedAt: now}
		case err != nil:
			return err
		}
		h.JoinTokenHash, h.JoinExpiresAt, h.UpdatedAt = hash, expiresOn, now
		return tx.PutHost(ctx, h)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expiresOn, nil
}

// Revoke ends hostID's enrolment: its certificates (current and previous)
// and any pending join token stop working at once. Revoking a VM that was
// never enrolled succeeds; a missing VM is store.ErrNotFound.
func (s *Service) Revoke(ctx context.Context, hostID string) error {
	now := s.cfg.Now().UTC()
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		vm, err := getVM(ctx, tx, hostID)
		if err != nil {
			return err
		}
		err = tx.UpdateHost(ctx, vm.ID, func(h store.Host) (store.Host, error) {
			h.JoinTokenHash, h.JoinExpiresAt = "", time.Time{}
			h.CertSerial, h.CertExpiresAt = "", time.Time{}
			h.PrevCertSerial, h.PrevCertExpiresAt = "", time.Time{}
			h.UpdatedAt = now
			return h, nil
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

// getVM returns the virtualMachines resource hostID; any other resource is
// store.ErrNotFound, so no other type can be enrolled as a host.
func getVM(ctx context.Context, tx store.Tx, hostID string) (store.Resource, error) {
	vm, err := tx.GetResource(ctx, hostID)
	if err != nil {
		return vm, fmt.Errorf("host %s: %w", hostID, err)
	}
	if !strings.EqualFold(vm.Type, typeVM) {
		return vm, fmt.Errorf("host %s is a %s: %w", hostID, vm.Type, store.ErrNotFound)
	}
	return vm, nil
}

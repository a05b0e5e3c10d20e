package directory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/lanyardhq/lanyard/internal/store"
)

// CreateUser creates a user who signs in with userName (name@domain, unique
// case-insensitively) and password.
func (s *Service) CreateUser(ctx context.Context, userName, displayName, password string) (store.Principal, error) {
	if err := checkUserName(userName); err != nil {
		return store.Principal{}, err
	}
	if err := checkDisplayName(displayName); err != nil {
		return store.Principal{}, err
	}
	if err := checkPassword(password); err != nil {
		return store.Principal{}, err
	}
	// Hash outside the transaction: it is slow, and fn may run twice.
	hash, err := s.pw.hash(ctx, password)
	if err != nil {
		return store.Principal{}, err
	}
	p := store.Principal{ID: newID(), Kind: store.KindUser, DisplayName: displayName,
		UserName: userName, PasswordHash: hash, CreatedAt: s.now().UTC()}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		switch _, err := tx.GetPrincipalByUserName(ctx, userName); {
		case err == nil:
			return store.ErrConflict
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return tx.CreatePrincipal(ctx, p)
	})
	if errors.Is(err, store.ErrConflict) {
		return store.Principal{}, conflict("Another object with the same value for property userPrincipalName already exists.")
	}
	if err != nil {
		return store.Principal{}, fmt.Errorf("directory: create user: %w", err)
	}
	return redact(p), nil
}

// AuthenticateUser checks a user's password. Every failure — unknown user,
// wrong password, disabled account — is ErrInvalidCredentials and costs the
// same argon2 computation, so neither the answer nor its timing tells an
// attacker which user names exist.
func (s *Service) AuthenticateUser(ctx context.Context, userName, password string) (store.Principal, error) {
	if len(userName) > maxUserName || len(password) > 4*maxPassword {
		return store.Principal{}, ErrInvalidCredentials // no lookup done: nothing to leak
	}
	p, err := s.st.GetPrincipalByUserName(ctx, userName)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Principal{}, fmt.Errorf("directory: look up user: %w", err)
	}
	known := err == nil && p.Kind == store.KindUser && p.PasswordHash != ""
	encoded := p.PasswordHash
	if !known {
		encoded = s.pw.dummy()
	}
	ok, rehash, err := s.pw.verify(ctx, encoded, password)
	if err != nil {
		return store.Principal{}, fmt.Errorf("directory: verify password of %s: %w", p.ID, err)
	}
	if !known || !ok || p.Disabled {
		return store.Principal{}, ErrInvalidCredentials
	}
	if rehash {
		s.upgradeHash(ctx, p.ID, password)
	}
	return redact(p), nil
}

// upgradeHash re-hashes a password whose stored parameters are outdated.
// Failing to is harmless (the old hash still works), so it is only logged.
func (s *Service) upgradeHash(ctx context.Context, id, password string) {
	hash, err := s.pw.hash(ctx, password)
	if err == nil {
		err = s.st.UpdatePrincipal(ctx, id, func(p store.Principal) (store.Principal, error) {
			p.PasswordHash = hash
			return p, nil
		})
	}
	if err != nil {
		slog.WarnContext(ctx, "password hash upgrade failed", "principal", id, "err", err)
	}
}

// SetPassword replaces a user's password.
func (s *Service) SetPassword(ctx context.Context, userID, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := s.pw.hash(ctx, password)
	if err != nil {
		return err
	}
	err = s.st.UpdatePrincipal(ctx, userID, func(p store.Principal) (store.Principal, error) {
		if p.Kind != store.KindUser {
			return p, notFound(userID)
		}
		p.PasswordHash = hash
		return p, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound(userID)
	}
	return err
}

package directory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// CreateServicePrincipal creates an application's service principal with a
// new object ID and a new client ID (appId).
func (s *Service) CreateServicePrincipal(ctx context.Context, displayName string) (store.Principal, error) {
	if err := checkDisplayName(displayName); err != nil {
		return store.Principal{}, err
	}
	p := store.Principal{ID: newID(), Kind: store.KindServicePrincipal, DisplayName: displayName,
		ClientID: newID(), CreatedAt: s.now().UTC()}
	if err := s.st.CreatePrincipal(ctx, p); err != nil {
		return store.Principal{}, fmt.Errorf("directory: create service principal: %w", err)
	}
	return p, nil
}

// AddSecret adds a client secret to a service principal and returns its
// text, which is stored only as a hash and never shown again. A zero
// expires means the secret does not expire.
func (s *Service) AddSecret(ctx context.Context, principalID, displayName string, expires time.Time) (string, store.Credential, error) {
	if len(displayName) > maxDisplayName {
		return "", store.Credential{}, badRequest("The credential's displayName must be at most %d characters.", maxDisplayName)
	}
	now := s.now().UTC()
	if !expires.IsZero() && !expires.After(now) {
		return "", store.Credential{}, badRequest("The credential's endDateTime must be in the future.")
	}
	text := newSecretText()
	c := store.Credential{ID: newID(), PrincipalID: principalID, Kind: store.CredentialSecret,
		DisplayName: displayName, Hash: hashSecret(text), Hint: text[:secretHintN],
		StartsAt: now, ExpiresAt: expires.UTC(), CreatedAt: now}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := get(ctx, tx, principalID)
		if err != nil {
			return err
		}
		if err := secretsAllowed(p); err != nil {
			return err
		}
		return tx.CreateCredential(ctx, c)
	})
	if err != nil {
		return "", store.Credential{}, err
	}
	c.Hash = ""
	return text, c, nil
}

// secretsAllowed: only applications have secrets. Managed identities exist
// precisely so that workloads hold no credential.
func secretsAllowed(p store.Principal) error {
	switch p.Kind {
	case store.KindServicePrincipal:
		return nil
	case store.KindManagedIdentity:
		return badRequest("Managed identities cannot have secrets; their tokens come from the identity endpoint of the resource they belong to.")
	}
	return notFound(p.ID)
}

// RemoveSecret deletes the client secret keyID of a service principal.
func (s *Service) RemoveSecret(ctx context.Context, principalID, keyID string) error {
	return s.removeCredential(ctx, principalID, keyID, store.CredentialSecret)
}

// Secrets lists a service principal's secrets, without their hashes.
func (s *Service) Secrets(ctx context.Context, principalID string) ([]store.Credential, error) {
	return s.Credentials(ctx, principalID, store.CredentialSecret)
}

// AuthenticateClientSecret returns the service principal whose client ID is
// clientID if secret is one of its current secrets; ErrInvalidCredentials
// for any failure (unknown client, managed identity, disabled, wrong,
// not-yet-valid or expired secret).
func (s *Service) AuthenticateClientSecret(ctx context.Context, clientID, secret string) (store.Principal, error) {
	if len(clientID) > 64 || len(secret) == 0 || len(secret) > maxSecretLen {
		return store.Principal{}, ErrInvalidCredentials
	}
	p, err := s.st.GetPrincipalByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		secretMatches("", secret) // same work as a real comparison
		return store.Principal{}, ErrInvalidCredentials
	}
	if err != nil {
		return store.Principal{}, fmt.Errorf("directory: look up client: %w", err)
	}
	creds, err := s.st.ListCredentials(ctx, p.ID)
	if err != nil {
		return store.Principal{}, fmt.Errorf("directory: list credentials: %w", err)
	}
	now := s.now()
	valid := false
	for _, c := range creds {
		if c.Kind != store.CredentialSecret || !secretMatches(c.Hash, secret) {
			continue
		}
		valid = !now.Before(c.StartsAt) && (c.ExpiresAt.IsZero() || now.Before(c.ExpiresAt))
		break
	}
	if !valid || p.Kind != store.KindServicePrincipal || p.Disabled {
		return store.Principal{}, ErrInvalidCredentials
	}
	return redact(p), nil
}

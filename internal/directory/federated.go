package directory

import (
	"context"
	"errors"
	"strings"

	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
)

// AddFederated adds a federated identity credential to a service principal
// (managed identities get theirs through ARM, on the identity resource).
func (s *Service) AddFederated(ctx context.Context, principalID string, fc federation.Credential) (federation.Stored, error) {
	if err := fc.Normalize(); err != nil {
		return federation.Stored{}, fedError(err)
	}
	now := s.now().UTC()
	rec := federation.Record(newID(), principalID, fc, now)
	err := s.st.Update(ctx, func(tx store.Tx) error {
		creds, err := spCredentials(ctx, tx, principalID)
		if err != nil {
			return err
		}
		if err := federation.CheckAdd(creds, fc, ""); err != nil {
			return fedError(err)
		}
		return tx.CreateCredential(ctx, rec)
	})
	return federation.Stored{ID: rec.ID, CreatedAt: now, Credential: fc}, err
}

// Federated lists a principal's federated identity credentials.
func (s *Service) Federated(ctx context.Context, principalID string) ([]federation.Stored, error) {
	if _, err := get(ctx, s.st, principalID); err != nil {
		return nil, err
	}
	creds, err := s.st.ListCredentials(ctx, principalID)
	if err != nil {
		return nil, err
	}
	return federation.List(creds), nil
}

// FederatedOne returns one federated credential by ID or name.
func (s *Service) FederatedOne(ctx context.Context, principalID, idOrName string) (federation.Stored, error) {
	all, err := s.Federated(ctx, principalID)
	if err != nil {
		return federation.Stored{}, err
	}
	for _, f := range all {
		if f.ID == idOrName || strings.EqualFold(f.Name, idOrName) {
			return f, nil
		}
	}
	return federation.Stored{}, notFound(idOrName)
}

// RemoveFederated deletes a federated credential by ID or name.
func (s *Service) RemoveFederated(ctx context.Context, principalID, idOrName string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		creds, err := spCredentials(ctx, tx, principalID)
		if err != nil {
			return err
		}
		f, ok := federation.Find(creds, idOrName)
		if !ok {
			return notFound(idOrName)
		}
		return tx.DeleteCredential(ctx, principalID, f.ID)
	})
}

// spCredentials lists, inside tx, the credentials of principalID, which
// must be a service principal: any other kind is not found here, for a
// managed identity's federated credentials are changed through ARM.
func spCredentials(ctx context.Context, tx store.Tx, principalID string) ([]store.Credential, error) {
	p, err := get(ctx, tx, principalID)
	if err != nil {
		return nil, err
	}
	if p.Kind != store.KindServicePrincipal {
		return nil, notFound(principalID)
	}
	return tx.ListCredentials(ctx, principalID)
}

// fedError turns package federation's client errors into Graph's.
func fedError(err error) error {
	var ve *federation.ValidationError
	var ce *federation.ConflictError
	switch {
	case errors.As(err, &ve):
		return badRequest("%s", ve.Msg)
	case errors.As(err, &ce):
		return conflict("%s", ce.Msg)
	}
	return err
}

package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Get returns the principal with object ID id.
func (s *Service) Get(ctx context.Context, id string) (store.Principal, error) {
	p, err := get(ctx, s.st, id)
	return redact(p), err
}

// GetByUserName returns the user whose sign-in name is userName
// (case-insensitive).
func (s *Service) GetByUserName(ctx context.Context, userName string) (store.Principal, error) {
	p, err := s.st.GetPrincipalByUserName(ctx, userName)
	if errors.Is(err, store.ErrNotFound) {
		return p, notFound(userName)
	}
	if err != nil {
		return p, fmt.Errorf("directory: get user: %w", err)
	}
	return redact(p), nil
}

// GetByClientID returns the service principal or managed identity whose
// client ID (appId) is clientID.
func (s *Service) GetByClientID(ctx context.Context, clientID string) (store.Principal, error) {
	p, err := s.st.GetPrincipalByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return p, notFound(clientID)
	}
	if err != nil {
		return p, fmt.Errorf("directory: get by client ID: %w", err)
	}
	return redact(p), nil
}

// List returns the principals matching f.
func (s *Service) List(ctx context.Context, f store.PrincipalFilter) ([]store.Principal, error) {
	ps, err := s.st.ListPrincipals(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("directory: list principals: %w", err)
	}
	for i := range ps {
		ps[i] = redact(ps[i])
	}
	return ps, nil
}

// DeletePrincipal deletes a user, group or service principal together with
// its role assignments, memberships and credentials, in one transaction.
// Managed identities are refused: they live and die with their resource.
func (s *Service) DeletePrincipal(ctx context.Context, id string) error {
	return s.deleteKind(ctx, id, "")
}

// deleteKind deletes id if it is of kind (any kind when kind is "").
func (s *Service) deleteKind(ctx context.Context, id string, kind store.PrincipalKind) error {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Kind == store.KindManagedIdentity {
			return badRequest("'%s' is a managed identity; it belongs to the resource '%s'. Delete that identity resource, or remove the identity from the resource, instead.", id, p.ResourceID)
		}
		if kind != "" && p.Kind != kind {
			return notFound(id)
		}
		if _, err := tx.DeleteAssignments(ctx, store.AssignmentFilter{PrincipalID: id}); err != nil {
			return fmt.Errorf("delete role assignments: %w", err)
		}
		return tx.DeletePrincipal(ctx, id)
	})
	if err != nil {
		return err
	}
	return s.refresh(ctx)
}

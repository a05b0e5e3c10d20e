package sqlstore

import (
	"context"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Every write on the Store itself runs in its own transaction on the write
// pool: a write and its change-feed entry commit together, and
// read-modify-writes (UpdatePrincipal, UpdateResource) are atomic. These
// methods shadow the read-pool ops embedded in Store; a write missing here
// would reach the read pool, which the sqlite backend opens query-only, so
// the conformance suite would catch it.

func (s *Store) SetMeta(ctx context.Context, k, v string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.SetMeta(ctx, k, v) })
}

func (s *Store) CreatePrincipal(ctx context.Context, p store.Principal) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreatePrincipal(ctx, p) })
}

func (s *Store) UpdatePrincipal(ctx context.Context, id string, fn func(store.Principal) (store.Principal, error)) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.UpdatePrincipal(ctx, id, fn) })
}

func (s *Store) DeletePrincipal(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeletePrincipal(ctx, id) })
}

func (s *Store) AddMember(ctx context.Context, groupID, memberID string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.AddMember(ctx, groupID, memberID) })
}

func (s *Store) RemoveMember(ctx context.Context, groupID, memberID string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.RemoveMember(ctx, groupID, memberID) })
}

func (s *Store) CreateCredential(ctx context.Context, c store.Credential) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreateCredential(ctx, c) })
}

func (s *Store) DeleteCredential(ctx context.Context, principalID, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteCredential(ctx, principalID, id) })
}

func (s *Store) CreateResource(ctx context.Context, r store.Resource) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreateResource(ctx, r) })
}

func (s *Store) UpdateResource(ctx context.Context, id string, fn func(store.Resource) (store.Resource, error)) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.UpdateResource(ctx, id, fn) })
}

func (s *Store) DeleteResource(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteResource(ctx, id) })
}

func (s *Store) AttachIdentity(ctx context.Context, id, identityID string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.AttachIdentity(ctx, id, identityID) })
}

func (s *Store) DetachIdentity(ctx context.Context, id, identityID string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DetachIdentity(ctx, id, identityID) })
}

func (s *Store) PutRoleDefinition(ctx context.Context, d store.RoleDefinition) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.PutRoleDefinition(ctx, d) })
}

func (s *Store) DeleteRoleDefinition(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteRoleDefinition(ctx, id) })
}

func (s *Store) CreateAssignment(ctx context.Context, a store.RoleAssignment) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreateAssignment(ctx, a) })
}

func (s *Store) DeleteAssignment(ctx context.Context, name string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteAssignment(ctx, name) })
}

func (s *Store) DeleteAssignments(ctx context.Context, f store.AssignmentFilter) ([]store.RoleAssignment, error) {
	var out []store.RoleAssignment
	err := s.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.DeleteAssignments(ctx, f)
		return err
	})
	return out, err
}

func (s *Store) PutKey(ctx context.Context, k store.SigningKey) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.PutKey(ctx, k) })
}

func (s *Store) DeleteKey(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteKey(ctx, id) })
}

package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/lanyardhq/lanyard/internal/store"
)

// CreateGroup creates an (empty) security group.
func (s *Service) CreateGroup(ctx context.Context, displayName string) (store.Principal, error) {
	if err := checkDisplayName(displayName); err != nil {
		return store.Principal{}, err
	}
	p := store.Principal{ID: newID(), Kind: store.KindGroup, DisplayName: displayName, CreatedAt: s.now().UTC()}
	if err := s.st.CreatePrincipal(ctx, p); err != nil {
		return store.Principal{}, fmt.Errorf("directory: create group: %w", err)
	}
	return p, nil
}

// AddMember makes memberID (any principal, groups included) a direct member
// of groupID. Adding a member twice is not an error. A group may not contain
// itself, directly or through other groups: RBAC resolves group membership
// transitively and a cycle would make every group in it a member of all.
func (s *Service) AddMember(ctx context.Context, groupID, memberID string) error {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, groupID); err != nil {
			return err
		}
		m, err := get(ctx, tx, memberID)
		if err != nil {
			return err
		}
		if m.Kind == store.KindGroup {
			edges, err := tx.ListMemberships(ctx)
			if err != nil {
				return err
			}
			if reaches(edges, memberID, groupID) {
				return badRequest("Adding group '%s' to group '%s' would make a group a member of itself.", memberID, groupID)
			}
		}
		return tx.AddMember(ctx, groupID, memberID)
	})
	if err != nil {
		return err
	}
	return s.refresh(ctx)
}

// reaches reports whether to is from, or a member (transitively) of from.
func reaches(edges []store.Membership, from, to string) bool {
	members := map[string][]string{}
	for _, e := range edges {
		members[e.GroupID] = append(members[e.GroupID], e.MemberID)
	}
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if g == to {
			return true
		}
		for _, m := range members[g] {
			if !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	return false
}

// RemoveMember removes a direct member; 404 if memberID is not one.
func (s *Service) RemoveMember(ctx context.Context, groupID, memberID string) error {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getGroup(ctx, tx, groupID); err != nil {
			return err
		}
		ids, err := tx.ListMembers(ctx, groupID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, memberID) {
			return notFound(memberID)
		}
		return tx.RemoveMember(ctx, groupID, memberID)
	})
	if err != nil {
		return err
	}
	return s.refresh(ctx)
}

// ListMembers returns a group's direct members.
func (s *Service) ListMembers(ctx context.Context, groupID string) ([]store.Principal, error) {
	if _, err := getGroup(ctx, s.st, groupID); err != nil {
		return nil, err
	}
	ids, err := s.st.ListMembers(ctx, groupID)
	if err != nil {
		return nil, fmt.Errorf("directory: list members: %w", err)
	}
	out := make([]store.Principal, 0, len(ids))
	for _, id := range ids {
		p, err := s.st.GetPrincipal(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, fmt.Errorf("directory: list members: %w", err)
		}
		out = append(out, redact(p))
	}
	return out, nil
}

func getGroup(ctx context.Context, tx store.Principals, id string) (store.Principal, error) {
	p, err := get(ctx, tx, id)
	if err == nil && p.Kind != store.KindGroup {
		return p, notFound(id)
	}
	return p, err
}

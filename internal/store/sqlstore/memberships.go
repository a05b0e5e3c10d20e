package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

// AddMember adds memberID to groupID; adding an existing edge changes
// nothing and records no change.
func (o *ops) AddMember(ctx context.Context, groupID, memberID string) error {
	g, err := o.GetPrincipal(ctx, groupID)
	if err != nil {
		return err
	}
	if g.Kind != store.KindGroup {
		return fmt.Errorf("group %q: %w", groupID, store.ErrNotFound)
	}
	if _, err := o.GetPrincipal(ctx, memberID); err != nil {
		return err
	}
	res, err := o.exec(ctx, `INSERT INTO memberships (group_key, member_key) VALUES (?, ?)
		ON CONFLICT (group_key, member_key) DO NOTHING`, key(groupID), key(memberID))
	if err != nil {
		return o.fail("add member", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return o.change(ctx, store.ChangeMembership, g.ID)
}

func (o *ops) RemoveMember(ctx context.Context, groupID, memberID string) error {
	g, err := o.GetPrincipal(ctx, groupID)
	if err != nil {
		return err
	}
	res, err := o.exec(ctx, `DELETE FROM memberships WHERE group_key = ? AND member_key = ?`,
		key(groupID), key(memberID))
	if err != nil {
		return o.fail("remove member", err)
	}
	if err := mustAffect(res, fmt.Sprintf("member %q of group %q", memberID, groupID)); err != nil {
		return err
	}
	return o.change(ctx, store.ChangeMembership, g.ID)
}

// ListMembers returns the direct members' IDs, ErrNotFound if groupID is
// not a principal.
func (o *ops) ListMembers(ctx context.Context, groupID string) ([]string, error) {
	if _, err := o.GetPrincipal(ctx, groupID); err != nil {
		return nil, err
	}
	out, err := scanAll(ctx, o, scanString, `SELECT p.id FROM memberships m
		JOIN principals p ON p.id_key = m.member_key WHERE m.group_key = ? ORDER BY p.id_key`, key(groupID))
	if err != nil {
		return nil, o.fail("list members", err)
	}
	return out, nil
}

func (o *ops) ListMemberships(ctx context.Context) ([]store.Membership, error) {
	out, err := scanAll(ctx, o, func(r scanner) (store.Membership, error) {
		var m store.Membership
		err := r.Scan(&m.GroupID, &m.MemberID)
		return m, err
	}, `SELECT g.id, p.id FROM memberships m
		JOIN principals g ON g.id_key = m.group_key
		JOIN principals p ON p.id_key = m.member_key
		ORDER BY m.group_key, m.member_key`)
	if err != nil {
		return nil, o.fail("list memberships", err)
	}
	return out, nil
}

var errEmptyID = errors.New("store: empty ID")

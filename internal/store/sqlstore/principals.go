package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

const principalCols = `id, kind, display_name, user_name, password_hash, client_id,
	identity_type, resource_id, disabled, created_at`

func scanPrincipal(r scanner) (store.Principal, error) {
	var p store.Principal
	var disabled int64
	var created string
	err := r.Scan(&p.ID, &p.Kind, &p.DisplayName, &p.UserName, &p.PasswordHash, &p.ClientID,
		&p.IdentityType, &p.ResourceID, &disabled, &created)
	if err != nil {
		return p, err
	}
	p.Disabled = disabled != 0
	p.CreatedAt, err = decTime(created)
	return p, err
}

func validPrincipal(p store.Principal) error {
	if p.ID == "" || p.Kind == "" {
		return errors.New("store: principal needs an ID and a kind")
	}
	return nil
}

// uniqueTaken reports whether another principal (not selfKey) holds one of
// p's unique values. Checking first, rather than relying on the constraint
// alone, keeps a PostgreSQL transaction usable after a conflict.
func (o *ops) uniqueTaken(ctx context.Context, p store.Principal, selfKey string) (bool, error) {
	return o.exists(ctx, `SELECT 1 FROM principals WHERE id_key <> ?
		AND (id_key = ? OR user_key = ? OR client_key = ? OR resource_key = ?)`,
		selfKey, key(p.ID), nullKey(p.UserName), nullKey(p.ClientID), nullKey(p.ResourceID))
}

func (o *ops) CreatePrincipal(ctx context.Context, p store.Principal) error {
	if err := validPrincipal(p); err != nil {
		return err
	}
	taken, err := o.uniqueTaken(ctx, p, "")
	if err != nil {
		return o.fail("create principal", err)
	}
	if taken {
		return fmt.Errorf("principal %q: %w", p.ID, store.ErrConflict)
	}
	_, err = o.exec(ctx, `INSERT INTO principals (id_key, id, kind, display_name, display_key,
		user_name, user_key, password_hash, client_id, client_key, identity_type,
		resource_id, resource_key, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		key(p.ID), p.ID, string(p.Kind), p.DisplayName, key(p.DisplayName),
		p.UserName, nullKey(p.UserName), p.PasswordHash, p.ClientID, nullKey(p.ClientID), p.IdentityType,
		p.ResourceID, nullKey(p.ResourceID), b2i(p.Disabled), encTime(p.CreatedAt))
	if err != nil {
		return o.fail("create principal", err)
	}
	return nil
}

func (o *ops) getPrincipal(ctx context.Context, col, val, suffix string) (store.Principal, error) {
	p, err := scanPrincipal(o.row(ctx, `SELECT `+principalCols+` FROM principals WHERE `+col+` = ?`+suffix, key(val)))
	if err != nil {
		return p, o.notFound("get principal", fmt.Sprintf("principal %q", val), err)
	}
	return p, nil
}

func (o *ops) GetPrincipal(ctx context.Context, id string) (store.Principal, error) {
	return o.getPrincipal(ctx, "id_key", id, "")
}

func (o *ops) GetPrincipalByUserName(ctx context.Context, userName string) (store.Principal, error) {
	return o.getPrincipal(ctx, "user_key", userName, "")
}

func (o *ops) GetPrincipalByClientID(ctx context.Context, clientID string) (store.Principal, error) {
	return o.getPrincipal(ctx, "client_key", clientID, "")
}

func (o *ops) GetPrincipalByResourceID(ctx context.Context, resourceID string) (store.Principal, error) {
	return o.getPrincipal(ctx, "resource_key", resourceID, "")
}

func (o *ops) ListPrincipals(ctx context.Context, f store.PrincipalFilter) ([]store.Principal, error) {
	q := `SELECT ` + principalCols + ` FROM principals WHERE 1 = 1`
	var args []any
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.DisplayName != "" {
		q += ` AND display_key = ?`
		args = append(args, key(f.DisplayName))
	}
	out, err := scanAll(ctx, o, scanPrincipal, q+` ORDER BY id_key`, args...)
	if err != nil {
		return nil, o.fail("list principals", err)
	}
	return out, nil
}

func (o *ops) UpdatePrincipal(ctx context.Context, id string, fn func(store.Principal) (store.Principal, error)) error {
	old, err := o.getPrincipal(ctx, "id_key", id, o.d.ForUpdate)
	if err != nil {
		return err
	}
	p, err := fn(old)
	if err != nil {
		return err
	}
	if p.ID != old.ID || p.Kind != old.Kind {
		return fmt.Errorf("store: principal %q: ID and kind cannot change", old.ID)
	}
	taken, err := o.uniqueTaken(ctx, p, key(old.ID))
	if err != nil {
		return o.fail("update principal", err)
	}
	if taken {
		return fmt.Errorf("principal %q: %w", p.ID, store.ErrConflict)
	}
	_, err = o.exec(ctx, `UPDATE principals SET display_name = ?, display_key = ?,
		user_name = ?, user_key = ?, password_hash = ?, client_id = ?, client_key = ?,
		identity_type = ?, resource_id = ?, resource_key = ?, disabled = ?, created_at = ?
		WHERE id_key = ?`,
		p.DisplayName, key(p.DisplayName), p.UserName, nullKey(p.UserName), p.PasswordHash,
		p.ClientID, nullKey(p.ClientID), p.IdentityType, p.ResourceID, nullKey(p.ResourceID),
		b2i(p.Disabled), encTime(p.CreatedAt), key(old.ID))
	if err != nil {
		return o.fail("update principal", err)
	}
	if p.Disabled != old.Disabled {
		// A disabled principal's grants must stop at once: tell RBAC.
		return o.change(ctx, store.ChangePrincipal, old.ID)
	}
	return nil
}

// DeletePrincipal removes the principal, its memberships and credentials,
// and records the change for the principal and every group whose members
// changed. Role assignments are the caller's.
func (o *ops) DeletePrincipal(ctx context.Context, id string) error {
	p, err := o.getPrincipal(ctx, "id_key", id, o.d.ForUpdate)
	if err != nil {
		return err
	}
	k := key(p.ID)
	groups, err := scanAll(ctx, o, scanString, `SELECT g.id FROM memberships m
		JOIN principals g ON g.id_key = m.group_key WHERE m.member_key = ? ORDER BY g.id_key`, k)
	if err != nil {
		return o.fail("delete principal", err)
	}
	for _, q := range []string{
		`DELETE FROM memberships WHERE member_key = ? OR group_key = ?`,
		`DELETE FROM credentials WHERE principal_key = ? OR principal_key = ?`,
		`DELETE FROM principals WHERE id_key = ? OR id_key = ?`,
	} {
		if _, err := o.exec(ctx, q, k, k); err != nil {
			return o.fail("delete principal", err)
		}
	}
	if err := o.change(ctx, store.ChangePrincipal, p.ID); err != nil {
		return err
	}
	if p.Kind == store.KindGroup {
		groups = append(groups, p.ID)
	}
	for _, g := range groups {
		if err := o.change(ctx, store.ChangeMembership, g); err != nil {
			return err
		}
	}
	return nil
}

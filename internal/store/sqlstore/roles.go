package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

const roleCols = `id, role_name, description, role_type, permissions, assignable_scopes,
	created_by, created_at, updated_at`

func scanRole(r scanner) (store.RoleDefinition, error) {
	var d store.RoleDefinition
	var perms, scopes, created, updated string
	err := r.Scan(&d.ID, &d.RoleName, &d.Description, &d.RoleType, &perms, &scopes,
		&d.CreatedBy, &created, &updated)
	if err != nil {
		return d, err
	}
	if err := decJSON(perms, &d.Permissions); err != nil {
		return d, err
	}
	if err := decJSON(scopes, &d.AssignableScopes); err != nil {
		return d, err
	}
	if d.CreatedAt, err = decTime(created); err != nil {
		return d, err
	}
	d.UpdatedAt, err = decTime(updated)
	return d, err
}

// PutRoleDefinition creates or wholly replaces d by ID.
func (o *ops) PutRoleDefinition(ctx context.Context, d store.RoleDefinition) error {
	if d.ID == "" || d.RoleName == "" {
		return errors.New("store: role definition needs an ID and a name")
	}
	taken, err := o.exists(ctx, `SELECT 1 FROM role_definitions WHERE name_key = ? AND id_key <> ?`,
		key(d.RoleName), key(d.ID))
	if err != nil {
		return o.fail("put role definition", err)
	}
	if taken {
		return fmt.Errorf("role name %q: %w", d.RoleName, store.ErrConflict)
	}
	perms, err := encJSON(d.Permissions)
	if err != nil {
		return err
	}
	scopes, err := encJSON(d.AssignableScopes)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `INSERT INTO role_definitions (id_key, id, role_name, name_key,
		description, role_type, permissions, assignable_scopes, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id_key) DO UPDATE SET id = excluded.id, role_name = excluded.role_name,
		name_key = excluded.name_key, description = excluded.description,
		role_type = excluded.role_type, permissions = excluded.permissions,
		assignable_scopes = excluded.assignable_scopes, created_by = excluded.created_by,
		created_at = excluded.created_at, updated_at = excluded.updated_at`,
		key(d.ID), d.ID, d.RoleName, key(d.RoleName), d.Description, d.RoleType, perms, scopes,
		d.CreatedBy, encTime(d.CreatedAt), encTime(d.UpdatedAt))
	if err != nil {
		return o.fail("put role definition", err)
	}
	return o.change(ctx, store.ChangeRole, d.ID)
}

func (o *ops) GetRoleDefinition(ctx context.Context, id string) (store.RoleDefinition, error) {
	d, err := scanRole(o.row(ctx, `SELECT `+roleCols+` FROM role_definitions WHERE id_key = ?`, key(id)))
	if err != nil {
		return d, o.notFound("get role definition", fmt.Sprintf("role definition %q", id), err)
	}
	return d, nil
}

func (o *ops) ListRoleDefinitions(ctx context.Context) ([]store.RoleDefinition, error) {
	out, err := scanAll(ctx, o, scanRole, `SELECT `+roleCols+` FROM role_definitions ORDER BY id_key`)
	if err != nil {
		return nil, o.fail("list role definitions", err)
	}
	return out, nil
}

func (o *ops) DeleteRoleDefinition(ctx context.Context, id string) error {
	d, err := o.GetRoleDefinition(ctx, id)
	if err != nil {
		return err
	}
	if _, err := o.exec(ctx, `DELETE FROM role_definitions WHERE id_key = ?`, key(id)); err != nil {
		return o.fail("delete role definition", err)
	}
	return o.change(ctx, store.ChangeRole, d.ID)
}

package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

const assignmentCols = `name, scope, role_id, principal_id, principal_type, description,
	created_by, created_at, updated_at`

func scanAssignment(r scanner) (store.RoleAssignment, error) {
	var a store.RoleAssignment
	var created, updated string
	err := r.Scan(&a.Name, &a.Scope, &a.RoleDefinitionID, &a.PrincipalID, &a.PrincipalType,
		&a.Description, &a.CreatedBy, &created, &updated)
	if err != nil {
		return a, err
	}
	if a.CreatedAt, err = decTime(created); err != nil {
		return a, err
	}
	a.UpdatedAt, err = decTime(updated)
	return a, err
}

func (o *ops) CreateAssignment(ctx context.Context, a store.RoleAssignment) error {
	if a.Name == "" || a.Scope == "" || a.RoleDefinitionID == "" || a.PrincipalID == "" {
		return errors.New("store: role assignment needs a name, scope, role and principal")
	}
	taken, err := o.exists(ctx, `SELECT 1 FROM assignments WHERE name_key = ?
		OR (principal_key = ? AND role_key = ? AND scope_key = ?)`,
		key(a.Name), key(a.PrincipalID), key(a.RoleDefinitionID), resKey(a.Scope))
	if err != nil {
		return o.fail("create assignment", err)
	}
	if taken {
		return fmt.Errorf("role assignment %q: %w", a.Name, store.ErrConflict)
	}
	_, err = o.exec(ctx, `INSERT INTO assignments (name_key, name, scope, scope_key, role_id,
		role_key, principal_id, principal_key, principal_type, description, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		key(a.Name), a.Name, a.Scope, resKey(a.Scope), a.RoleDefinitionID, key(a.RoleDefinitionID),
		a.PrincipalID, key(a.PrincipalID), a.PrincipalType, a.Description, a.CreatedBy,
		encTime(a.CreatedAt), encTime(a.UpdatedAt))
	if err != nil {
		return o.fail("create assignment", err)
	}
	return o.change(ctx, store.ChangeAssignment, a.Name)
}

func (o *ops) GetAssignment(ctx context.Context, name string) (store.RoleAssignment, error) {
	a, err := scanAssignment(o.row(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE name_key = ?`, key(name)))
	if err != nil {
		return a, o.notFound("get assignment", fmt.Sprintf("role assignment %q", name), err)
	}
	return a, nil
}

// assignmentWhere renders f as a WHERE clause.
func assignmentWhere(f store.AssignmentFilter) (string, []any) {
	q := ` WHERE 1 = 1`
	var args []any
	if f.PrincipalID != "" {
		q += ` AND principal_key = ?`
		args = append(args, key(f.PrincipalID))
	}
	if f.RoleDefinitionID != "" {
		q += ` AND role_key = ?`
		args = append(args, key(f.RoleDefinitionID))
	}
	if f.Scope != "" {
		q += ` AND scope_key = ?`
		args = append(args, resKey(f.Scope))
	}
	// At or below Under; "/a/b" must not match "/a/bc", so "below" appends
	// the separator. The root contains every scope.
	if u := resKey(f.Under); u != "" && u != "/" {
		cond, a := below("scope_key", u)
		q += ` AND (scope_key = ? OR ` + cond + `)`
		args = append(append(args, u), a...)
	}
	return q, args
}

func (o *ops) ListAssignments(ctx context.Context, f store.AssignmentFilter) ([]store.RoleAssignment, error) {
	where, args := assignmentWhere(f)
	out, err := scanAll(ctx, o, scanAssignment, `SELECT `+assignmentCols+` FROM assignments`+where+` ORDER BY name_key`, args...)
	if err != nil {
		return nil, o.fail("list assignments", err)
	}
	return out, nil
}

func (o *ops) DeleteAssignment(ctx context.Context, name string) error {
	a, err := o.GetAssignment(ctx, name)
	if err != nil {
		return err
	}
	if _, err := o.exec(ctx, `DELETE FROM assignments WHERE name_key = ?`, key(name)); err != nil {
		return o.fail("delete assignment", err)
	}
	return o.change(ctx, store.ChangeAssignment, a.Name)
}

// DeleteAssignments refuses an empty filter: deleting every assignment is
// never what a caller building a filter from a principal or scope meant.
func (o *ops) DeleteAssignments(ctx context.Context, f store.AssignmentFilter) ([]store.RoleAssignment, error) {
	if f == (store.AssignmentFilter{}) {
		return nil, errors.New("store: DeleteAssignments needs a non-empty filter")
	}
	list, err := o.ListAssignments(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if _, err := o.exec(ctx, `DELETE FROM assignments WHERE name_key = ?`, key(a.Name)); err != nil {
			return nil, o.fail("delete assignments", err)
		}
		if err := o.change(ctx, store.ChangeAssignment, a.Name); err != nil {
			return nil, err
		}
	}
	return list, nil
}

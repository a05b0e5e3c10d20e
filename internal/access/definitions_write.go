package access

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

type definitionBody struct {
	Properties struct {
		RoleName         string             `json:"roleName"`
		Description      string             `json:"description"`
		Type             string             `json:"type"`
		Permissions      []store.Permission `json:"permissions"`
		AssignableScopes []string           `json:"assignableScopes"`
	} `json:"properties"`
}

var (
	errBuiltInImmutable = arm.BadRequest("CannotModifyBuiltInRole", "Built-in role definitions cannot be created, changed or deleted.")
	errSameName         = arm.Errorf(http.StatusConflict, "RoleDefinitionWithSameNameExists", "A role definition cannot be updated with a name that already exists.")
)

// putDefinition creates or replaces a custom role. The caller needs
// roleDefinitions/write at every assignable scope, the old ones included
// when replacing, so nobody can take over a role defined elsewhere by
// rewriting its scopes to their own.
func (h *Handler) putDefinition(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	at, name, err := extensionScope(r.ID)
	var body definitionBody
	var d store.RoleDefinition
	var c authn.Caller
	if err == nil {
		err = checkDefinitionName(name)
	}
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &body)
	}
	if err == nil {
		d, err = h.definitionFrom(strings.ToLower(name), body)
	}
	if err == nil {
		c, err = caller(r.Request)
	}
	if err == nil {
		err = h.authorizeAll(ctx, c, actDefinitionWrite, d.AssignableScopes)
	}
	if err == nil {
		if _, builtin := rbac.BuiltinByName(d.RoleName); builtin {
			err = errSameName
		}
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	now := h.now().UTC()
	d.CreatedAt, d.UpdatedAt, d.CreatedBy = now, now, c.PrincipalID
	status := http.StatusCreated
	err = h.store.Update(ctx, func(tx store.Tx) error {
		status = http.StatusCreated
		old, err := tx.GetRoleDefinition(ctx, d.ID)
		switch {
		case err == nil:
			if err := h.authorizeAll(ctx, c, actDefinitionWrite, old.AssignableScopes); err != nil {
				return err
			}
			if err := stillAssignable(ctx, tx, d); err != nil {
				return err
			}
			d.CreatedAt, d.CreatedBy, status = old.CreatedAt, old.CreatedBy, http.StatusOK
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := tx.PutRoleDefinition(ctx, d); errors.Is(err, store.ErrConflict) {
			return errSameName
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.synced(ctx)
	arm.WriteJSON(w, status, renderDefinition(at.String(), d))
}

func checkDefinitionName(name string) error {
	if !scope.IsGUID(name) {
		return arm.BadRequest("InvalidRoleDefinitionId", "The role definition ID '%s' is not valid. It must be a GUID.", name)
	}
	return nil
}

// definitionFrom validates a PUT body into a custom role with canonical,
// de-duplicated assignable scopes.
func (h *Handler) definitionFrom(id string, body definitionBody) (store.RoleDefinition, error) {
	if _, builtin := rbac.BuiltinByID(id); builtin {
		return store.RoleDefinition{}, errBuiltInImmutable
	}
	p := body.Properties
	if p.Type != "" && !strings.EqualFold(p.Type, customRole) {
		return store.RoleDefinition{}, arm.BadRequest("InvalidRoleDefinitionType", "The role type '%s' is not valid; only 'CustomRole' may be created.", p.Type)
	}
	if len(p.AssignableScopes) == 0 {
		return store.RoleDefinition{}, arm.BadRequest("InvalidAssignableScopes", "A custom role needs at least one assignable scope.")
	}
	var scopes []string
	for _, s := range p.AssignableScopes {
		sid, err := scope.Parse(s)
		if err != nil {
			return store.RoleDefinition{}, arm.BadRequest("InvalidAssignableScopes", "The assignable scope '%s' is not valid.", s)
		}
		if !slices.ContainsFunc(scopes, func(x string) bool { return strings.EqualFold(x, sid.String()) }) {
			scopes = append(scopes, sid.String())
		}
	}
	d := store.RoleDefinition{
		ID:               id,
		RoleName:         strings.TrimSpace(p.RoleName),
		Description:      p.Description,
		RoleType:         customRole,
		Permissions:      p.Permissions,
		AssignableScopes: scopes,
	}
	if err := validateRole(d); err != nil {
		return store.RoleDefinition{}, err
	}
	return d, nil
}

// authorizeAll requires action at every scope in scopes.
func (h *Handler) authorizeAll(ctx context.Context, c authn.Caller, action string, scopes []string) error {
	for _, s := range scopes {
		if err := h.idx.Authorize(ctx, c, action, s); err != nil {
			return err
		}
	}
	return nil
}

// stillAssignable refuses a replacement that would leave existing
// assignments of d outside its assignable scopes.
func stillAssignable(ctx context.Context, tx store.Tx, d store.RoleDefinition) error {
	as, err := tx.ListAssignments(ctx, store.AssignmentFilter{RoleDefinitionID: d.ID})
	if err != nil {
		return err
	}
	for _, a := range as {
		k, err := scope.KeyOf(a.Scope)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(d.AssignableScopes, func(s string) bool { return scope.ContainsKey(strings.ToLower(s), k) }) {
			return arm.Errorf(http.StatusConflict, "RoleDefinitionHasAssignments",
				"The role is assigned at '%s', which the new assignable scopes do not include.", a.Scope)
		}
	}
	return nil
}

// validateRole applies rbac's rules for a role's content (names, action
// syntax, sizes). Its errors are meant for the client.
func validateRole(d store.RoleDefinition) error {
	err := rbac.ValidateRoleDefinition(d)
	if errors.Is(err, rbac.ErrInvalidRole) {
		why := strings.TrimPrefix(err.Error(), rbac.ErrInvalidRole.Error()+": ")
		return arm.BadRequest("InvalidRoleDefinition", "The role definition is not valid: %s.", why)
	}
	return err
}

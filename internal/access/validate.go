package access

import (
	"context"
	"errors"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// validateAssignment checks a PUT body against the directory and the role
// catalog and returns the assignment it asks for (without name or times).
func (h *Handler) validateAssignment(ctx context.Context, at scope.ID, body assignmentBody) (store.RoleAssignment, error) {
	p := body.Properties
	if p.Condition != nil && *p.Condition != "" || p.ConditionVersion != nil && *p.ConditionVersion != "" {
		// Ignoring a condition would grant more than was asked for.
		return store.RoleAssignment{}, arm.BadRequest("RoleAssignmentConditionNotSupported", "Role assignment conditions are not supported.")
	}
	if !scope.IsGUID(p.PrincipalID) {
		return store.RoleAssignment{}, arm.BadRequest("InvalidPrincipalId", "The principal ID '%s' is not valid. It must be a GUID.", p.PrincipalID)
	}
	roleID, ok := roleGUID(p.RoleDefinitionID)
	if !ok {
		return store.RoleAssignment{}, arm.BadRequest("InvalidRoleDefinitionId", "The role definition ID '%s' is not valid.", p.RoleDefinitionID)
	}
	role, ok := h.role(roleID)
	if !ok {
		return store.RoleAssignment{}, arm.BadRequest("RoleDefinitionDoesNotExist", "The specified role definition with ID '%s' does not exist.", roleID)
	}
	principalID := strings.ToLower(p.PrincipalID)
	pr, err := h.store.GetPrincipal(ctx, principalID)
	if errors.Is(err, store.ErrNotFound) {
		return store.RoleAssignment{}, arm.BadRequest("PrincipalNotFound", "Principal %s does not exist in the directory.", principalID)
	}
	if err != nil {
		return store.RoleAssignment{}, err
	}
	typ := principalType(pr.Kind)
	if p.PrincipalType != "" && !strings.EqualFold(p.PrincipalType, typ) {
		return store.RoleAssignment{}, arm.BadRequest("UnmatchedPrincipalType",
			"The PrincipalId '%s' has type '%s', which is different from specified PrincipalType '%s'.", principalID, typ, p.PrincipalType)
	}
	if !h.idx.AssignableAt(role, at.String()) {
		return store.RoleAssignment{}, arm.BadRequest("InvalidRoleAssignmentScope",
			"The role '%s' is not available for assignment at the requested scope '%s'.", role.RoleName, at.String())
	}
	return store.RoleAssignment{
		Scope:            at.String(),
		RoleDefinitionID: role.ID,
		PrincipalID:      principalID,
		PrincipalType:    typ,
		Description:      p.Description,
	}, nil
}

// principalType maps a directory kind to ARM's principalType: managed
// identities are service principals on the wire.
func principalType(k store.PrincipalKind) string {
	switch k {
	case store.KindUser:
		return "User"
	case store.KindGroup:
		return "Group"
	default:
		return "ServicePrincipal"
	}
}

// roleGUID accepts a role definition reference in any form ARM does: a bare
// GUID or "{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
// (the root and subscription-qualified forms are the common ones).
func roleGUID(ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if scope.IsGUID(ref) {
		return strings.ToLower(ref), true
	}
	id, err := scope.Parse(ref)
	if err != nil {
		return "", false
	}
	_, ext, ok := id.Extension()
	if !ok || !strings.EqualFold(ext.Namespace, "Microsoft.Authorization") ||
		!strings.EqualFold(ext.Type, "roleDefinitions") || !scope.IsGUID(ext.Name) {
		return "", false
	}
	return strings.ToLower(ext.Name), true
}

// role finds a built-in or custom role by GUID in the index.
func (h *Handler) role(id string) (store.RoleDefinition, bool) {
	return h.idx.Role(id)
}

package rbac

// This file fixes rbac's exported surface; other packages are written
// against it. Bodies marked "implemented in" live in the named files.

import (
	"context"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Source is the narrow store view the index reads.
type Source interface {
	store.Assignments
	store.RoleDefinitions
	store.Memberships
	store.Changes
}

// Authorizer is what control-plane handlers call before acting.
type Authorizer interface {
	// Authorize returns nil if c may perform the control-plane action at
	// scope (a canonical scope string), else a *DeniedError.
	Authorize(ctx context.Context, c authn.Caller, action, scope string) error
}

// DeniedError is a control-plane denial; it renders as ARM's 403
// AuthorizationFailed and names the action, the scope and the principal.
type DeniedError struct {
	PrincipalID   string
	PrincipalName string
	Action        string
	Scope         string
}

func (e *DeniedError) Error() string {
	return "authorization failed: " + e.PrincipalID + " may not " + e.Action + " at " + e.Scope
}

// ARMError implements arm.Coder.
func (e *DeniedError) ARMError() (int, string, string) {
	name := e.PrincipalName
	if name == "" {
		name = e.PrincipalID
	}
	return http.StatusForbidden, "AuthorizationFailed",
		"The client '" + name + "' with object id '" + e.PrincipalID + "' does not have authorization to perform action '" +
			e.Action + "' over scope '" + e.Scope + "' or the scope is invalid. If access was recently granted, please refresh your credentials."
}

// MatchedAssignment is an assignment that took part in a decision.
type MatchedAssignment struct {
	Assignment store.RoleAssignment
	RoleName   string
}

// Explanation is the answer of the explanation API.
type Explanation struct {
	Allowed      bool
	PrincipalID  string
	Action       string
	IsDataAction bool
	Scope        string
	// Principals: the principal and every group it belongs to, transitively.
	Principals []string
	// Matched: assignments at or above Scope, to one of Principals, whose
	// role grants Action.
	Matched []MatchedAssignment
	// DeniedBy: assignments whose role lists Action but excludes it through
	// NotActions / NotDataActions.
	DeniedBy []MatchedAssignment
	// GrantingRoles: on a denial, built-in roles that would grant Action,
	// narrowest (fewest permissions) first.
	GrantingRoles []store.RoleDefinition
	Reason        string
}

package access

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

type checkRequest struct {
	PrincipalID  string `json:"principalId"`
	Action       string `json:"action"`
	Scope        string `json:"scope"`
	IsDataAction *bool  `json:"isDataAction"`
}

type checkResponse struct {
	Allowed            bool          `json:"allowed"`
	PrincipalID        string        `json:"principalId"`
	Action             string        `json:"action"`
	IsDataAction       bool          `json:"isDataAction"`
	Scope              string        `json:"scope"`
	Principals         []string      `json:"principals"`
	MatchedAssignments []matchedJSON `json:"matchedAssignments"`
	DeniedBy           []matchedJSON `json:"deniedBy"`
	GrantingRoles      []roleRef     `json:"grantingRoles"`
	Reason             string        `json:"reason"`
}

type matchedJSON struct {
	ID               string `json:"id"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	RoleName         string `json:"roleName"`
	Scope            string `json:"scope"`
	PrincipalID      string `json:"principalId"`
}

type roleRef struct {
	ID       string `json:"id"`
	RoleName string `json:"roleName"`
}

// maxActionLength bounds the action string; real ones are under 200.
const maxActionLength = 512

// checkAccess explains whether a principal may perform an action at a
// scope. Callers may ask about themselves; asking about someone else needs
// roleAssignments/read at the scope, checked before the principal is looked
// up so the endpoint does not reveal who exists.
func (h *Handler) checkAccess(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := caller(r)
	var req checkRequest
	if err == nil {
		err = arm.DecodeBody(w, r, &req)
	}
	var at scope.ID
	if err == nil {
		at, err = validateCheck(&req)
	}
	if err == nil && req.PrincipalID != strings.ToLower(c.PrincipalID) {
		err = h.idx.Authorize(ctx, c, actAssignmentRead, at.String())
	}
	if err == nil {
		if _, err = h.store.GetPrincipal(ctx, req.PrincipalID); errors.Is(err, store.ErrNotFound) {
			err = arm.Errorf(http.StatusNotFound, "PrincipalNotFound", "Principal %s does not exist in the directory.", req.PrincipalID)
		}
	}
	if err != nil {
		arm.WriteError(w, r, err)
		return
	}
	isData := h.idx.IsDataAction(req.Action)
	if req.IsDataAction != nil {
		isData = *req.IsDataAction
	}
	arm.WriteJSON(w, http.StatusOK, renderExplanation(h.idx.Explain(req.PrincipalID, req.Action, isData, at.String())))
}

// validateCheck normalizes req in place and returns its parsed scope.
func validateCheck(req *checkRequest) (scope.ID, error) {
	if !scope.IsGUID(req.PrincipalID) {
		return scope.ID{}, arm.BadRequest("InvalidPrincipalId", "principalId must be an object ID (a GUID).")
	}
	req.PrincipalID = strings.ToLower(req.PrincipalID)
	req.Action = strings.TrimSpace(req.Action)
	if req.Action == "" || len(req.Action) > maxActionLength || strings.ContainsAny(req.Action, " \t\r\n") {
		return scope.ID{}, arm.BadRequest("InvalidAction", "action must be a non-empty action string such as 'Microsoft.Storage/storageAccounts/read'.")
	}
	if req.Scope == "" {
		return scope.ID{}, arm.BadRequest("InvalidScope", "scope is required, e.g. '/subscriptions/{id}'.")
	}
	at, err := scope.Parse(req.Scope)
	if err != nil {
		return scope.ID{}, arm.BadRequest("InvalidScope", "%v", err)
	}
	return at, nil
}

func renderExplanation(e rbac.Explanation) checkResponse {
	out := checkResponse{
		Allowed:            e.Allowed,
		PrincipalID:        e.PrincipalID,
		Action:             e.Action,
		IsDataAction:       e.IsDataAction,
		Scope:              e.Scope,
		Principals:         nonNil(e.Principals),
		MatchedAssignments: renderMatched(e.Matched),
		DeniedBy:           renderMatched(e.DeniedBy),
		GrantingRoles:      make([]roleRef, 0, len(e.GrantingRoles)),
		Reason:             e.Reason,
	}
	for _, d := range e.GrantingRoles {
		out.GrantingRoles = append(out.GrantingRoles, roleRef{ID: extensionID("/", "roleDefinitions", d.ID), RoleName: d.RoleName})
	}
	return out
}

func renderMatched(ms []rbac.MatchedAssignment) []matchedJSON {
	out := make([]matchedJSON, 0, len(ms))
	for _, m := range ms {
		a := m.Assignment
		out = append(out, matchedJSON{
			ID:               extensionID(a.Scope, "roleAssignments", a.Name),
			RoleDefinitionID: roleDefinitionRef(a.Scope, a.RoleDefinitionID),
			RoleName:         m.RoleName,
			Scope:            a.Scope,
			PrincipalID:      a.PrincipalID,
		})
	}
	return out
}

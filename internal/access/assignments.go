package access

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// assignmentBody is the PUT body.
type assignmentBody struct {
	Properties struct {
		RoleDefinitionID string  `json:"roleDefinitionId"`
		PrincipalID      string  `json:"principalId"`
		PrincipalType    string  `json:"principalType"`
		Description      string  `json:"description"`
		Condition        *string `json:"condition"`
		ConditionVersion *string `json:"conditionVersion"`
	} `json:"properties"`
}

var errAssignmentNotFound = arm.Errorf(http.StatusNotFound, "RoleAssignmentNotFound", "The role assignment does not exist.")

// putAssignment creates a role assignment. The caller needs
// roleAssignments/write at the scope: that check, before any lookup, is the
// guard against privilege escalation (Contributor's NotActions exclude it).
//
// A PUT identical to the existing assignment answers 201 with it, as ARM
// does; one that only changes the description answers 200; any other change
// under the same name is 409, since ARM assignments are immutable grants.
func (h *Handler) putAssignment(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	at, name, err := extensionScope(r.ID)
	if err == nil && !scope.IsGUID(name) {
		err = arm.BadRequest("InvalidRoleAssignmentId", "The role assignment ID '%s' is not valid. The role assignment ID must be a GUID.", name)
	}
	var body assignmentBody
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &body)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	c, err := h.authorize(r.Request, actAssignmentWrite, at.String())
	if err == nil {
		err = h.checkScope(ctx, at)
	}
	var a store.RoleAssignment
	if err == nil {
		a, err = h.validateAssignment(ctx, at, body)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	now := h.now().UTC()
	a.Name, a.CreatedBy, a.CreatedAt, a.UpdatedAt = strings.ToLower(name), c.PrincipalID, now, now

	var out store.RoleAssignment
	status := http.StatusCreated
	err = h.store.Update(ctx, func(tx store.Tx) error {
		status = http.StatusCreated
		old, err := tx.GetAssignment(ctx, a.Name)
		switch {
		case err == nil:
			if !sameGrant(old, a) {
				return arm.Errorf(http.StatusConflict, "RoleAssignmentUpdateNotPermitted",
					"Tenant ID, application ID, principal ID, role definition and scope are not allowed to be updated.")
			}
			if old.Description == a.Description {
				out = old
				return nil
			}
			a.CreatedAt, a.CreatedBy = old.CreatedAt, old.CreatedBy
			if err := tx.DeleteAssignment(ctx, old.Name); err != nil {
				return err
			}
			status = http.StatusOK
		case !errors.Is(err, store.ErrNotFound):
			return err
		default:
			dups, err := tx.ListAssignments(ctx, store.AssignmentFilter{PrincipalID: a.PrincipalID, RoleDefinitionID: a.RoleDefinitionID, Scope: a.Scope})
			if err != nil {
				return err
			}
			if len(dups) > 0 {
				return errAssignmentExists
			}
		}
		if err := tx.CreateAssignment(ctx, a); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errAssignmentExists
			}
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.synced(ctx)
	arm.WriteJSON(w, status, renderAssignment(out))
}

var errAssignmentExists = arm.Errorf(http.StatusConflict, "RoleAssignmentExists", "The role assignment already exists.")

// sameGrant reports whether a and b grant the same role to the same
// principal at the same scope.
func sameGrant(a, b store.RoleAssignment) bool {
	return strings.EqualFold(a.Scope, b.Scope) && a.RoleDefinitionID == b.RoleDefinitionID && a.PrincipalID == b.PrincipalID
}

func (h *Handler) getAssignment(w http.ResponseWriter, r *arm.Request) {
	a, err := h.lookupAssignment(r, actAssignmentRead)
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, renderAssignment(a))
}

// deleteAssignment answers 200 with the deleted assignment, or 204 if there
// was none, as ARM does. The scope check and the delete share one
// transaction, so a name reused at another scope in between is never hit.
func (h *Handler) deleteAssignment(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	at, name, err := extensionScope(r.ID)
	if err == nil {
		_, err = h.authorize(r.Request, actAssignmentDelete, at.String())
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	var a store.RoleAssignment
	err = h.store.Update(ctx, func(tx store.Tx) error {
		if !scope.IsGUID(name) {
			return store.ErrNotFound
		}
		var err error
		a, err = tx.GetAssignment(ctx, strings.ToLower(name))
		if err != nil {
			return err
		}
		if !strings.EqualFold(a.Scope, at.String()) {
			return store.ErrNotFound
		}
		return tx.DeleteAssignment(ctx, a.Name)
	})
	h.deleted(w, r, err, func() any { return renderAssignment(a) })
}

// lookupAssignment authorizes action at the path's scope, then finds the
// named assignment there. An assignment with that name at another scope is
// "not found": the path addresses one scope, and naming a GUID must not
// reach an assignment the caller has no rights over.
func (h *Handler) lookupAssignment(r *arm.Request, action string) (store.RoleAssignment, error) {
	at, name, err := extensionScope(r.ID)
	if err != nil {
		return store.RoleAssignment{}, err
	}
	if _, err := h.authorize(r.Request, action, at.String()); err != nil {
		return store.RoleAssignment{}, err
	}
	if !scope.IsGUID(name) {
		return store.RoleAssignment{}, errAssignmentNotFound
	}
	a, err := h.store.GetAssignment(r.Context(), strings.ToLower(name))
	if errors.Is(err, store.ErrNotFound) || err == nil && !strings.EqualFold(a.Scope, at.String()) {
		return store.RoleAssignment{}, errAssignmentNotFound
	}
	return a, err
}

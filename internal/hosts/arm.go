package hosts

import (
	"errors"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/resources"
	"github.com/lanyardhq/lanyard/internal/store"
)

// actionWrite is what both actions require: enrolling or cutting off a
// host's agent is a change to the VM.
const actionWrite = typeVM + "/write"

// joinTokenJSON is the joinToken action's answer.
type joinTokenJSON struct {
	JoinToken string    `json:"joinToken"`
	ExpiresOn time.Time `json:"expiresOn"`
}

// Register adds POST {vm}/joinToken and POST {vm}/revokeAgent to rt.
func (h *Handler) Register(rt *arm.Router) {
	rt.HandleAction(typeVM, "joinToken", resources.VMAPIVersions, h.armJoinToken)
	rt.HandleAction(typeVM, "revokeAgent", resources.VMAPIVersions, h.armRevoke)
}

func (h *Handler) armJoinToken(w http.ResponseWriter, r *arm.Request) {
	if !h.armAuthorize(w, r) {
		return
	}
	tok, exp, err := h.svc.CreateJoinToken(r.Context(), r.ID.String())
	if err != nil {
		armFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	arm.WriteJSON(w, http.StatusOK, joinTokenJSON{JoinToken: tok, ExpiresOn: exp.UTC()})
}

func (h *Handler) armRevoke(w http.ResponseWriter, r *arm.Request) {
	if !h.armAuthorize(w, r) {
		return
	}
	if err := h.svc.Revoke(r.Context(), r.ID.String()); err != nil {
		armFail(w, r, err)
		return
	}
	h.svc.cfg.Log.InfoContext(r.Context(), "host agent revoked", "host", r.ID.String())
	arm.WriteJSON(w, http.StatusOK, struct{}{})
}

// armAuthorize checks the caller before looking at the VM, as ARM does, so
// that a caller without access cannot learn which VMs exist.
func (h *Handler) armAuthorize(w http.ResponseWriter, r *arm.Request) bool {
	c, ok := authn.FromContext(r.Context())
	if !ok || c.PrincipalID == "" {
		arm.WriteError(w, r.Request, arm.Errorf(http.StatusUnauthorized, "AuthenticationFailed",
			"Authentication failed. The 'Authorization' header is missing or its token was not accepted."))
		return false
	}
	if h.svc.cfg.Authz == nil {
		arm.WriteError(w, r.Request, errors.New("hosts: no authorizer configured"))
		return false
	}
	if err := h.svc.cfg.Authz.Authorize(r.Context(), c, actionWrite, r.ID.String()); err != nil {
		arm.WriteError(w, r.Request, err)
		return false
	}
	return true
}

func armFail(w http.ResponseWriter, r *arm.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		err = arm.NotFound("The Resource '%s/%s' under resource group '%s' was not found.",
			typeVM, r.ID.Name(), r.ID.ResourceGroup)
	}
	arm.WriteError(w, r.Request, err)
}

package directory

import (
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Actions checked, at scope "/", before directory writes.
const (
	ActionUsersWrite   = "Lanyard.Directory/users/write"
	ActionUsersDelete  = "Lanyard.Directory/users/delete"
	ActionGroupsWrite  = "Lanyard.Directory/groups/write"
	ActionGroupsDelete = "Lanyard.Directory/groups/delete"
	ActionSPsWrite     = "Lanyard.Directory/servicePrincipals/write"
	ActionSPsDelete    = "Lanyard.Directory/servicePrincipals/delete"
)

// Handler serves the Microsoft Graph-shaped directory API (/v1.0). It
// expects the server's authentication middleware in front of it.
type Handler struct {
	s *Service
}

// NewHandler returns the /v1.0 handler over s.
func NewHandler(s *Service) *Handler { return &Handler{s: s} }

// Routes registers the directory API on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.handle(mux, "GET /v1.0/me", h.me)
	h.handle(mux, "GET /v1.0/directoryObjects/{id}", h.getObject)

	h.handle(mux, "POST /v1.0/users", h.createUser)
	h.handle(mux, "GET /v1.0/users", h.listUsers)
	h.handle(mux, "GET /v1.0/users/{id}", h.getUser)
	h.handle(mux, "DELETE /v1.0/users/{id}", h.deleteOf(store.KindUser, ActionUsersDelete))

	h.handle(mux, "POST /v1.0/groups", h.createGroup)
	h.handle(mux, "GET /v1.0/groups", h.listGroups)
	h.handle(mux, "GET /v1.0/groups/{id}", h.getOf(store.KindGroup))
	h.handle(mux, "DELETE /v1.0/groups/{id}", h.deleteOf(store.KindGroup, ActionGroupsDelete))
	h.handle(mux, "GET /v1.0/groups/{id}/members", h.listMembers)
	h.handle(mux, "POST /v1.0/groups/{id}/members/$ref", h.addMember)
	h.handle(mux, "DELETE /v1.0/groups/{id}/members/{member}/$ref", h.removeMember)

	h.handle(mux, "POST /v1.0/servicePrincipals", h.createSP)
	h.handle(mux, "GET /v1.0/servicePrincipals", h.listSPs)
	h.handle(mux, "GET /v1.0/servicePrincipals/{id}", h.getSP)
	h.handle(mux, "DELETE /v1.0/servicePrincipals/{id}", h.deleteOf(store.KindServicePrincipal, ActionSPsDelete))
	h.handle(mux, "POST /v1.0/servicePrincipals/{id}/addPassword", h.addPassword)
	h.handle(mux, "POST /v1.0/servicePrincipals/{id}/removePassword", h.removePassword)
	h.handle(mux, "POST /v1.0/servicePrincipals/{id}/addCertificate", h.addCertificate)
	h.handle(mux, "POST /v1.0/servicePrincipals/{id}/removeKey", h.removeKey)
	h.handle(mux, "GET /v1.0/servicePrincipals/{id}/federatedIdentityCredentials", h.listFederated)
	h.handle(mux, "POST /v1.0/servicePrincipals/{id}/federatedIdentityCredentials", h.createFederated)
	h.handle(mux, "GET /v1.0/servicePrincipals/{id}/federatedIdentityCredentials/{fic}", h.getFederated)
	h.handle(mux, "DELETE /v1.0/servicePrincipals/{id}/federatedIdentityCredentials/{fic}", h.deleteFederated)
}

// handlerFunc serves one authenticated request; a returned error is
// rendered in Graph's error format.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c authn.Caller) error

func (h *Handler) handle(mux *http.ServeMux, pattern string, fn handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, ok := authn.FromContext(r.Context())
		if !ok {
			arm.WriteError(w, r, &Error{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: "Access token is empty."})
			return
		}
		if err := fn(w, r, c); err != nil {
			arm.WriteError(w, r, graphError(err))
		}
	})
}

// authorize checks a directory write; directory permissions are tenant-wide
// and so always checked at scope "/".
func (h *Handler) authorize(r *http.Request, c authn.Caller, action string) error {
	if h.s.authz == nil {
		return &Error{Status: http.StatusForbidden, Code: codeDenied, Message: "Insufficient privileges to complete the operation."}
	}
	return h.s.authz.Authorize(r.Context(), c, action, "/")
}

// graphError translates errors from other packages into Graph's codes;
// causes it does not know stay as they are and become 500s.
func graphError(err error) error {
	var (
		de *rbac.DeniedError
		ae *arm.Error
		ge *Error
	)
	switch {
	case errors.As(err, &ge):
		return ge
	case errors.As(err, &de):
		_, _, msg := de.ARMError()
		return &Error{Status: http.StatusForbidden, Code: codeDenied, Message: msg, Err: err}
	case errors.As(err, &ae) && ae.Status == http.StatusBadRequest:
		// No Err: arm.WriteError would find and render the wrapped *arm.Error.
		return &Error{Status: ae.Status, Code: codeBadRequest, Message: ae.Message}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: codeNotFound, Message: "The resource was not found.", Err: err}
	case errors.Is(err, store.ErrConflict):
		return conflict("The request conflicts with an existing object.")
	}
	return err
}

package directory

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

// GET /v1.0/me
func (h *Handler) me(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	p, err := h.s.Get(r.Context(), c.PrincipalID)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, render(p))
	return nil
}

// GET /v1.0/directoryObjects/{id}
func (h *Handler) getObject(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	return h.getOf("")(w, r, authn.Caller{})
}

// lookup loads the object at the path's {id}, which must be of kind
// (a managed identity counts as a service principal; "" means any kind).
func (h *Handler) lookup(r *http.Request, kind store.PrincipalKind) (store.Principal, error) {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return store.Principal{}, err
	}
	p, err := h.s.Get(r.Context(), id)
	if err != nil {
		return p, err
	}
	if kind != "" && p.Kind != kind && !(kind == store.KindServicePrincipal && p.Kind == store.KindManagedIdentity) {
		return p, notFound(id)
	}
	return p, nil
}

// getOf serves GET of one object of kind.
func (h *Handler) getOf(kind store.PrincipalKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
		p, err := h.lookup(r, kind)
		if err != nil {
			return err
		}
		arm.WriteJSON(w, http.StatusOK, render(p))
		return nil
	}
}

// deleteOf serves DELETE of one object of kind, which needs action.
func (h *Handler) deleteOf(kind store.PrincipalKind, action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
		if err := h.authorize(r, c, action); err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := checkID(id); err != nil {
			return err
		}
		if err := h.s.deleteKind(r.Context(), id, kind); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

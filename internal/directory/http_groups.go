package directory

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

// POST /v1.0/groups
func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionGroupsWrite); err != nil {
		return err
	}
	var b struct {
		DisplayName string `json:"displayName"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	p, err := h.s.CreateGroup(r.Context(), b.DisplayName)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusCreated, render(p))
	return nil
}

// GET /v1.0/groups[?$filter=displayName eq '…']
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	_, val, err := parseFilter(r.URL.Query().Get("$filter"), "displayName")
	if err != nil {
		return err
	}
	ps, err := h.s.List(r.Context(), store.PrincipalFilter{Kind: store.KindGroup, DisplayName: val})
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, renderList(ps))
	return nil
}

// GET /v1.0/groups/{id}/members
func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	ps, err := h.s.ListMembers(r.Context(), id)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, renderList(ps))
	return nil
}

// POST /v1.0/groups/{id}/members/$ref
// {"@odata.id":"https://<host>/v1.0/directoryObjects/{member id}"}
func (h *Handler) addMember(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionGroupsWrite); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	var b struct {
		ODataID string `json:"@odata.id"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	member, err := memberFromRef(b.ODataID)
	if err != nil {
		return err
	}
	if err := h.s.AddMember(r.Context(), id, member); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// memberFromRef extracts the object ID from an @odata.id reference such as
// "https://graph.microsoft.com/v1.0/directoryObjects/{id}". The host is not
// checked: clients build it from whatever endpoint they were given.
func memberFromRef(ref string) (string, error) {
	u, err := url.Parse(ref)
	if err == nil {
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		if n := len(segs); n >= 2 {
			switch segs[n-2] {
			case "directoryObjects", "users", "groups", "servicePrincipals":
				if checkID(segs[n-1]) == nil {
					return segs[n-1], nil
				}
			}
		}
	}
	return "", badRequest("Property @odata.id must reference a directory object, as in 'https://<host>/v1.0/directoryObjects/<object id>'.")
}

// DELETE /v1.0/groups/{id}/members/{member}/$ref
func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionGroupsWrite); err != nil {
		return err
	}
	id, member := r.PathValue("id"), r.PathValue("member")
	if err := checkID(id); err != nil {
		return err
	}
	if err := checkID(member); err != nil {
		return err
	}
	if err := h.s.RemoveMember(r.Context(), id, member); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

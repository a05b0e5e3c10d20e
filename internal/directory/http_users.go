package directory

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

type createUserBody struct {
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	PasswordProfile   struct {
		Password string `json:"password"`
	} `json:"passwordProfile"`
}

// POST /v1.0/users
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionUsersWrite); err != nil {
		return err
	}
	var b createUserBody
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	p, err := h.s.CreateUser(r.Context(), b.UserPrincipalName, b.DisplayName, b.PasswordProfile.Password)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusCreated, render(p))
	return nil
}

// GET /v1.0/users[?$filter=…]
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	prop, val, err := parseFilter(r.URL.Query().Get("$filter"), "userPrincipalName", "displayName")
	if err != nil {
		return err
	}
	var ps []store.Principal
	if prop == "userPrincipalName" {
		p, err := h.s.GetByUserName(r.Context(), val)
		switch {
		case err == nil && p.Kind == store.KindUser:
			ps = append(ps, p)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	} else if ps, err = h.s.List(r.Context(), store.PrincipalFilter{Kind: store.KindUser, DisplayName: val}); err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, renderList(ps))
	return nil
}

// GET /v1.0/users/{id or userPrincipalName}
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	upn := r.PathValue("id")
	if !strings.Contains(upn, "@") {
		return h.getOf(store.KindUser)(w, r, c)
	}
	p, err := h.s.GetByUserName(r.Context(), upn)
	if err != nil {
		return err
	}
	if p.Kind != store.KindUser {
		return notFound(upn)
	}
	arm.WriteJSON(w, http.StatusOK, render(p))
	return nil
}

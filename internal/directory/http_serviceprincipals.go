package directory

import (
	"errors"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

// defaultSecretLifetime is Entra's default for addPassword.
const defaultSecretLifetime = 2 * 365 * 24 * time.Hour

// POST /v1.0/servicePrincipals
func (h *Handler) createSP(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionSPsWrite); err != nil {
		return err
	}
	var b struct {
		DisplayName string `json:"displayName"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	p, err := h.s.CreateServicePrincipal(r.Context(), b.DisplayName)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusCreated, render(p))
	return nil
}

// GET /v1.0/servicePrincipals[?$filter=appId eq '…' | displayName eq '…']
// lists applications and managed identities alike, as Entra does.
func (h *Handler) listSPs(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	prop, val, err := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName")
	if err != nil {
		return err
	}
	var ps []store.Principal
	if prop == "appId" {
		p, err := h.s.GetByClientID(r.Context(), val)
		switch {
		case err == nil && (p.Kind == store.KindServicePrincipal || p.Kind == store.KindManagedIdentity):
			ps = append(ps, p)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	} else {
		for _, k := range []store.PrincipalKind{store.KindServicePrincipal, store.KindManagedIdentity} {
			l, err := h.s.List(r.Context(), store.PrincipalFilter{Kind: k, DisplayName: val})
			if err != nil {
				return err
			}
			ps = append(ps, l...)
		}
	}
	arm.WriteJSON(w, http.StatusOK, renderList(ps))
	return nil
}

// GET /v1.0/servicePrincipals/{id}: one object, with its secrets' metadata.
func (h *Handler) getSP(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	p, err := h.lookup(r, store.KindServicePrincipal)
	if err != nil {
		return err
	}
	sp := render(p).(servicePrincipalJSON)
	if p.Kind == store.KindServicePrincipal {
		creds, err := h.s.Secrets(r.Context(), p.ID)
		if err != nil {
			return err
		}
		for _, c := range creds {
			sp.PasswordCredentials = append(sp.PasswordCredentials, renderCredential(c, nil))
		}
		keys, err := h.s.Credentials(r.Context(), p.ID, store.CredentialCertificate)
		if err != nil {
			return err
		}
		for _, c := range keys {
			sp.KeyCredentials = append(sp.KeyCredentials, renderKey(c))
		}
	}
	arm.WriteJSON(w, http.StatusOK, sp)
	return nil
}

// POST /v1.0/servicePrincipals/{id}/addPassword
// {"passwordCredential":{"displayName","endDateTime"?}}
func (h *Handler) addPassword(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	if err := h.authorize(r, c, ActionSPsWrite); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	var b struct {
		PasswordCredential struct {
			DisplayName string     `json:"displayName"`
			EndDateTime *time.Time `json:"endDateTime"`
		} `json:"passwordCredential"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	end := h.s.now().Add(defaultSecretLifetime)
	if b.PasswordCredential.EndDateTime != nil {
		end = *b.PasswordCredential.EndDateTime
	}
	text, cred, err := h.s.AddSecret(r.Context(), id, b.PasswordCredential.DisplayName, end)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the only copy of the secret
	arm.WriteJSON(w, http.StatusOK, renderCredential(cred, &text))
	return nil
}

// POST /v1.0/servicePrincipals/{id}/removePassword {"keyId"}
func (h *Handler) removePassword(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	return h.removeCredential(w, r, c, h.s.RemoveSecret)
}

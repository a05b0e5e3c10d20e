package directory

import (
	"context"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
)

// keyCredential is Graph's keyCredential for an uploaded certificate. The
// public certificate itself (key) is not returned, as Graph returns null.
type keyCredential struct {
	CustomKeyIdentifier string    `json:"customKeyIdentifier"`
	DisplayName         string    `json:"displayName"`
	EndDateTime         time.Time `json:"endDateTime"`
	Key                 *string   `json:"key"`
	KeyID               string    `json:"keyId"`
	StartDateTime       time.Time `json:"startDateTime"`
	Type                string    `json:"type"`
	Usage               string    `json:"usage"`
}

func renderKey(c store.Credential) keyCredential {
	return keyCredential{CustomKeyIdentifier: c.Hint, DisplayName: c.DisplayName, EndDateTime: c.ExpiresAt, KeyID: c.ID,
		StartDateTime: c.StartsAt, Type: "AsymmetricX509Cert", Usage: "Verify"}
}

// federatedJSON is Graph's federatedIdentityCredential.
type federatedJSON struct {
	ODataType   string   `json:"@odata.type,omitempty"`
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Issuer      string   `json:"issuer"`
	Subject     string   `json:"subject"`
	Audiences   []string `json:"audiences"`
	Description *string  `json:"description"`
}

func renderFederated(f federation.Stored) federatedJSON {
	j := federatedJSON{ID: f.ID, Name: f.Name, Issuer: f.Issuer, Subject: f.Subject, Audiences: f.Audiences}
	if f.Description != "" {
		j.Description = &f.Description
	}
	return j
}

// POST /v1.0/servicePrincipals/{id}/addCertificate {"certificate","displayName"}
func (h *Handler) addCertificate(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	id, err := h.writeTarget(r, c)
	if err != nil {
		return err
	}
	var b struct {
		Certificate string `json:"certificate"`
		DisplayName string `json:"displayName"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	cred, err := h.s.AddCertificate(r.Context(), id, b.Certificate, b.DisplayName)
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, renderKey(cred))
	return nil
}

// POST /v1.0/servicePrincipals/{id}/removeKey {"keyId"}
func (h *Handler) removeKey(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	return h.removeCredential(w, r, c, h.s.RemoveKey)
}

// removeCredential is removePassword and removeKey: both take {"keyId"}
// and answer 204.
func (h *Handler) removeCredential(w http.ResponseWriter, r *http.Request, c authn.Caller, remove func(ctx context.Context, principalID, keyID string) error) error {
	id, err := h.writeTarget(r, c)
	if err != nil {
		return err
	}
	var b struct {
		KeyID string `json:"keyId"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	if err := checkID(b.KeyID); err != nil {
		return err
	}
	if err := remove(r.Context(), id, b.KeyID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /v1.0/servicePrincipals/{id}/federatedIdentityCredentials
func (h *Handler) listFederated(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	all, err := h.s.Federated(r.Context(), id)
	if err != nil {
		return err
	}
	out := list[federatedJSON]{Value: make([]federatedJSON, 0, len(all))}
	for _, f := range all {
		out.Value = append(out.Value, renderFederated(f))
	}
	arm.WriteJSON(w, http.StatusOK, out)
	return nil
}

// POST /v1.0/servicePrincipals/{id}/federatedIdentityCredentials
func (h *Handler) createFederated(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	id, err := h.writeTarget(r, c)
	if err != nil {
		return err
	}
	var b struct {
		Name        string   `json:"name"`
		Issuer      string   `json:"issuer"`
		Subject     string   `json:"subject"`
		Audiences   []string `json:"audiences"`
		Description string   `json:"description"`
	}
	if err := arm.DecodeBody(w, r, &b); err != nil {
		return err
	}
	f, err := h.s.AddFederated(r.Context(), id, federation.Credential{Name: b.Name, Issuer: b.Issuer, Subject: b.Subject, Audiences: b.Audiences, Description: b.Description})
	if err != nil {
		return err
	}
	out := renderFederated(f)
	out.ODataType = "#microsoft.graph.federatedIdentityCredential"
	arm.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// GET /v1.0/servicePrincipals/{id}/federatedIdentityCredentials/{fic} (ID or name)
func (h *Handler) getFederated(w http.ResponseWriter, r *http.Request, _ authn.Caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	f, err := h.s.FederatedOne(r.Context(), id, r.PathValue("fic"))
	if err != nil {
		return err
	}
	arm.WriteJSON(w, http.StatusOK, renderFederated(f))
	return nil
}

// DELETE /v1.0/servicePrincipals/{id}/federatedIdentityCredentials/{fic}
func (h *Handler) deleteFederated(w http.ResponseWriter, r *http.Request, c authn.Caller) error {
	id, err := h.writeTarget(r, c)
	if err != nil {
		return err
	}
	if err := h.s.RemoveFederated(r.Context(), id, r.PathValue("fic")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeTarget authorizes a credential write and returns the checked {id}.
func (h *Handler) writeTarget(r *http.Request, c authn.Caller) (string, error) {
	if err := h.authorize(r, c, ActionSPsWrite); err != nil {
		return "", err
	}
	id := r.PathValue("id")
	return id, checkID(id)
}

type list[T any] struct {
	Value []T `json:"value"`
}

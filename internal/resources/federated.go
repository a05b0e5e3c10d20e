package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Federated identity credentials on user-assigned identities (Azure
// workload identity): a child resource addressed under the identity, stored
// as a store.Credential on the identity's principal, so deleting the
// identity (and its principal) deletes them.

const typeFIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"

// ficVersions are Microsoft.ManagedIdentity's api-versions that have the type.
var ficVersions = []string{"2022-01-31-preview", "2023-01-31", "2023-07-31-preview", "2024-11-30", "2025-01-31-preview"}

type ficJSON struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	Properties ficPropsJSON `json:"properties"`
}

type ficPropsJSON struct {
	Issuer    string   `json:"issuer"`
	Subject   string   `json:"subject"`
	Audiences []string `json:"audiences"`
}

func (h *Handler) registerFederated(rt *arm.Router) {
	rt.Handle(http.MethodGet, typeFIC, ficVersions, h.getFIC)
	rt.Handle(http.MethodPut, typeFIC, ficVersions, h.putFIC)
	rt.Handle(http.MethodDelete, typeFIC, ficVersions, h.deleteFIC)
	rt.HandleCollection(http.MethodGet, typeFIC, ficVersions, h.listFICs)
}

func renderFIC(identityID string, f federation.Credential) ficJSON {
	return ficJSON{ID: identityID + "/federatedIdentityCredentials/" + f.Name, Name: f.Name, Type: typeFIC,
		Properties: ficPropsJSON{Issuer: f.Issuer, Subject: f.Subject, Audiences: f.Audiences}}
}

// identityOf loads the user-assigned identity id names (the identity itself
// for a list, the parent of a credential otherwise) and its principal.
func identityOf(ctx context.Context, tx store.Tx, id arm.Request) (store.Resource, store.Principal, error) {
	ident := id.ID
	if ident.ResourceGroup == "" || len(ident.Segments) < 1 || len(ident.Segments) > 2 || ident.Segments[0].Extension ||
		len(ident.Segments) == 2 && ident.Segments[1].Extension {
		return store.Resource{}, store.Principal{}, invalidID("Federated identity credentials are addressed as /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity}/federatedIdentityCredentials/{name}.")
	}
	ident.Segments = ident.Segments[:1]
	res, err := tx.GetResource(ctx, ident.String())
	if errors.Is(err, store.ErrNotFound) || err == nil && !strings.EqualFold(res.Type, typeUAI) {
		if _, err := parentGroup(ctx, tx, ident.Subscription, ident.ResourceGroup); err != nil {
			return res, store.Principal{}, err
		}
		return res, store.Principal{}, resourceNotFound(typeUAI, ident.Name(), ident.ResourceGroup)
	}
	if err != nil {
		return res, store.Principal{}, fmt.Errorf("get identity %s: %w", ident, err)
	}
	p, err := tx.GetPrincipalByResourceID(ctx, res.ID)
	if err != nil {
		return res, p, fmt.Errorf("principal of %s: %w", res.ID, err)
	}
	return res, p, nil
}

// ficError maps package federation's client errors to ARM's.
func ficError(err error) error {
	var ve *federation.ValidationError
	var ce *federation.ConflictError
	switch {
	case errors.As(err, &ve):
		return arm.BadRequest("BadRequest", "%s", ve.Msg)
	case errors.As(err, &ce):
		return arm.Errorf(http.StatusConflict, "Conflict", "%s", ce.Msg)
	}
	return err
}

func ficNotFound(name string) error {
	return arm.NotFound("The federated identity credential '%s' was not found.", name)
}

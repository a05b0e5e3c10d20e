package resources

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

func uaiKind() *kind {
	return &kind{
		typ:      typeUAI,
		versions: []string{"2018-11-30", "2023-01-31", "2023-07-31-preview", "2024-11-30", "2025-01-31-preview"},
		name:     genericName,
		props: func(_ *Handler, in *body, _ *store.Resource, _ bool) (json.RawMessage, error) {
			if _, err := objectProps(in.Properties); err != nil {
				return nil, err
			}
			return json.RawMessage(`{}`), nil
		},
		created: createUAIPrincipal,
		render:  renderUAI,
	}
}

// createUAIPrincipal creates the identity's principal, whose ResourceID ties
// it to the resource; tenantId, principalId and clientId are read from it.
func createUAIPrincipal(h *Handler, ctx context.Context, tx store.Tx, res store.Resource) error {
	p := store.Principal{
		ID: newGUID(), ClientID: newGUID(), Kind: store.KindManagedIdentity,
		IdentityType: store.UserAssigned, ResourceID: res.ID, DisplayName: res.Name, CreatedAt: h.now(),
	}
	if err := tx.CreatePrincipal(ctx, p); err != nil {
		return fmt.Errorf("create principal of %s: %w", res.ID, err)
	}
	return nil
}

func renderUAI(h *Handler, ctx context.Context, tx store.Tx, res store.Resource, out *resourceJSON) error {
	p, err := tx.GetPrincipalByResourceID(ctx, res.ID)
	if err != nil {
		return fmt.Errorf("principal of %s: %w", res.ID, err)
	}
	out.Properties = map[string]string{"tenantId": h.cfg.TenantID, "principalId": p.ID, "clientId": p.ClientID}
	return nil
}

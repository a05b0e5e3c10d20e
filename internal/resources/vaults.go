package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

const typeVaults = "Microsoft.KeyVault/vaults"

type vaultSKU struct {
	Family string `json:"family"`
	Name   string `json:"name"`
}

// vaultState is what a vault keeps in Resource.Properties; tenantId and
// vaultUri are derived on read, and authorization is always RBAC.
type vaultState struct {
	SKU vaultSKU `json:"sku"`
}

func vaultKind() *kind {
	return &kind{
		typ:      typeVaults,
		versions: []string{"2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01"},
		name:     vaultName,
		conflict: func(name string) error {
			return arm.Errorf(http.StatusConflict, "VaultAlreadyExists", "The vault name '%s' is already in use. Vault names are globally unique.", name)
		},
		props:  vaultProps,
		render: renderVault,
	}
}

func vaultProps(_ *Handler, in *body, old *store.Resource, patch bool) (json.RawMessage, error) {
	st := vaultState{SKU: vaultSKU{Family: "A", Name: "standard"}}
	if old != nil {
		if err := json.Unmarshal(old.Properties, &st); err != nil {
			return nil, err
		}
	}
	m, err := objectProps(in.Properties)
	if err != nil {
		return nil, err
	}
	raw, ok := m["sku"]
	if !ok || isNull(raw) {
		if !patch {
			st.SKU = vaultSKU{Family: "A", Name: "standard"}
		}
		return json.Marshal(st)
	}
	var sku vaultSKU
	if err := json.Unmarshal(raw, &sku); err != nil {
		return nil, arm.BadRequest("InvalidRequestContent", "The 'properties.sku' value must be an object with 'family' and 'name'.")
	}
	if sku.Family == "" {
		sku.Family = "A"
	}
	if !strings.EqualFold(sku.Family, "A") {
		return nil, arm.BadRequest("InvalidSku", "The sku family '%s' is not valid; it must be 'A'.", sku.Family)
	}
	switch strings.ToLower(sku.Name) {
	case "standard", "premium":
		st.SKU = vaultSKU{Family: "A", Name: strings.ToLower(sku.Name)}
	default:
		return nil, arm.BadRequest("InvalidSku", "The sku name '%s' is not valid; it must be 'standard' or 'premium'.", sku.Name)
	}
	return json.Marshal(st)
}

func renderVault(h *Handler, _ context.Context, _ store.Tx, res store.Resource, out *resourceJSON) error {
	var st vaultState
	if err := json.Unmarshal(res.Properties, &st); err != nil {
		return err
	}
	out.Properties = map[string]any{
		"tenantId":                h.cfg.TenantID,
		"sku":                     st.SKU,
		"vaultUri":                h.vaultURI(res.Name),
		"enableRbacAuthorization": true,
		"accessPolicies":          []any{},
		"provisioningState":       "Succeeded",
	}
	return nil
}

package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

const typeStorage = "Microsoft.Storage/storageAccounts"

var (
	storageKinds = []string{"StorageV2", "Storage", "BlobStorage", "BlockBlobStorage", "FileStorage"}
	storageSKUs  = []string{"Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS", "Premium_LRS", "Premium_ZRS"}
)

// storageState is what a storage account keeps in Resource.Properties: its
// kind and SKU (top-level fields in ARM's body) and creation time.
type storageState struct {
	Kind    string    `json:"kind"`
	SKU     string    `json:"sku"`
	Created time.Time `json:"creationTime"`
}

func storageKind() *kind {
	return &kind{
		typ:      typeStorage,
		versions: []string{"2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01", "2025-01-01"},
		name:     storageName,
		conflict: func(name string) error {
			return arm.Errorf(http.StatusConflict, "StorageAccountAlreadyTaken", "The storage account named %s is already taken.", name)
		},
		props:  storageProps,
		render: renderStorage,
	}
}

// oneOf returns the allowed value equal to v ignoring case, or def when v is
// empty.
func oneOf(v, def string, allowed []string) (string, bool) {
	if v == "" {
		return def, true
	}
	for _, a := range allowed {
		if strings.EqualFold(a, v) {
			return a, true
		}
	}
	return "", false
}

func storageProps(h *Handler, in *body, old *store.Resource, patch bool) (json.RawMessage, error) {
	st := storageState{Created: h.now()}
	if old != nil {
		if err := json.Unmarshal(old.Properties, &st); err != nil {
			return nil, err
		}
	}
	if _, err := objectProps(in.Properties); err != nil {
		return nil, err
	}
	var sku struct {
		Name string `json:"name"`
	}
	if !isNull(in.SKU) {
		if err := json.Unmarshal(in.SKU, &sku); err != nil {
			return nil, arm.BadRequest("InvalidRequestContent", "The 'sku' value must be an object with a 'name'.")
		}
	}
	var ok bool
	if !patch || in.Kind != "" {
		if st.Kind, ok = oneOf(in.Kind, "StorageV2", storageKinds); !ok {
			return nil, arm.BadRequest("InvalidKind", "The kind '%s' is not valid. Supported kinds are %s.", in.Kind, strings.Join(storageKinds, ", "))
		}
	}
	if !patch || sku.Name != "" {
		if st.SKU, ok = oneOf(sku.Name, "Standard_LRS", storageSKUs); !ok {
			return nil, arm.BadRequest("InvalidSku", "The sku '%s' is not valid. Supported skus are %s.", sku.Name, strings.Join(storageSKUs, ", "))
		}
	}
	return json.Marshal(st)
}

func renderStorage(h *Handler, _ context.Context, _ store.Tx, res store.Resource, out *resourceJSON) error {
	var st storageState
	if err := json.Unmarshal(res.Properties, &st); err != nil {
		return err
	}
	tier, _, _ := strings.Cut(st.SKU, "_")
	out.Kind = st.Kind
	out.SKU, _ = json.Marshal(map[string]string{"name": st.SKU, "tier": tier})
	out.Properties = map[string]any{
		"provisioningState":        "Succeeded",
		"creationTime":             st.Created.UTC().Format(time.RFC3339Nano),
		"primaryLocation":          res.Location,
		"statusOfPrimary":          "available",
		"primaryEndpoints":         map[string]string{"blob": h.blobEndpoint(res.Name)},
		"supportsHttpsTrafficOnly": true,
	}
	return nil
}

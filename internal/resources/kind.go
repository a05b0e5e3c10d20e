package resources

import (
	"context"
	"encoding/json"

	"github.com/lanyardhq/lanyard/internal/store"
)

// kind describes one tracked resource type (a resource inside a group).
type kind struct {
	typ      string
	versions []string
	name     nameRule
	// identity: the type has an identity block (system- and user-assigned).
	identity bool
	// hosted: the type's properties.hostId places it on a virtual machine.
	hosted bool
	// conflict, if set, makes names unique across the tenant (Azure's
	// global DNS names) and returns the 409 for a taken name.
	conflict func(name string) error
	// props turns a request body into the stored properties. old is the
	// current record (nil on create); on PATCH, absent fields keep old's.
	// It must be free of side effects: it runs inside the transaction.
	props func(h *Handler, in *body, old *store.Resource, patch bool) (json.RawMessage, error)
	// created, if set, runs in the creating transaction.
	created func(h *Handler, ctx context.Context, tx store.Tx, res store.Resource) error
	// render fills the type-specific parts of the response.
	render func(h *Handler, ctx context.Context, tx store.Tx, res store.Resource, out *resourceJSON) error
}

// body is a PUT or PATCH request for a tracked resource; type-specific
// parts stay raw until the kind reads them.
type body struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Identity   json.RawMessage   `json:"identity"`
	Properties json.RawMessage   `json:"properties"`
	Kind       string            `json:"kind"`
	SKU        json.RawMessage   `json:"sku"`
}

func kinds() []*kind {
	return []*kind{uaiKind(), siteKind(), vmKind(), storageKind(), vaultKind()}
}

// objectProps decodes a properties value that must be a JSON object (or
// absent/null, which is an empty object).
func objectProps(raw json.RawMessage) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if isNull(raw) {
		return m, nil
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errBadProperties
	}
	return m, nil
}

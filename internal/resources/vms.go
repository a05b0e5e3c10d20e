package resources

import (
	"context"
	"encoding/json"

	"github.com/lanyardhq/lanyard/internal/store"
)

// VMAPIVersions are the api-versions accepted for
// Microsoft.Compute/virtualMachines (and the host actions on them).
var VMAPIVersions = []string{"2023-03-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01"}

func vmKind() *kind {
	return &kind{
		typ:      typeVM,
		versions: VMAPIVersions,
		name:     genericName,
		identity: true,
		props:    vmProps,
		render: func(_ *Handler, _ context.Context, _ store.Tx, res store.Resource, out *resourceJSON) error {
			m, err := objectProps(res.Properties)
			if err != nil {
				return err
			}
			m["provisioningState"] = json.RawMessage(`"Succeeded"`)
			out.Properties = m
			return nil
		},
	}
}

// vmProps keeps the request's properties (a VM's profile is opaque to
// Lanyard: the host agent is what runs apps) plus a stable vmId, which
// Azure assigns at creation and never changes. PATCH merges top-level keys.
func vmProps(_ *Handler, in *body, old *store.Resource, patch bool) (json.RawMessage, error) {
	m, err := objectProps(in.Properties)
	if err != nil {
		return nil, err
	}
	delete(m, "provisioningState")
	prev := map[string]json.RawMessage{}
	if old != nil {
		if prev, err = objectProps(old.Properties); err != nil {
			return nil, err
		}
	}
	if patch {
		for k, v := range m {
			prev[k] = v
		}
		m = prev
	}
	if v, ok := prev["vmId"]; ok {
		m["vmId"] = v
	} else {
		m["vmId"], _ = json.Marshal(newGUID())
	}
	return json.Marshal(m)
}

package resources

import (
	"context"
	"encoding/json"

	"github.com/lanyardhq/lanyard/internal/store"
)

const typeSites = "Microsoft.Web/sites"

func siteKind() *kind {
	return &kind{
		typ:      typeSites,
		versions: []string{"2022-03-01", "2022-09-01", "2023-01-01", "2023-12-01", "2024-04-01", "2024-11-01"},
		name:     genericName,
		identity: true,
		hosted:   true,
		// An app's own state is its placement (Resource.Host), identities
		// and settings (a child row); nothing else of the request is kept.
		props: func(_ *Handler, in *body, _ *store.Resource, _ bool) (json.RawMessage, error) {
			if _, err := objectProps(in.Properties); err != nil {
				return nil, err
			}
			return json.RawMessage(`{}`), nil
		},
		render: func(_ *Handler, _ context.Context, _ store.Tx, res store.Resource, out *resourceJSON) error {
			out.Kind = "app"
			out.Properties = siteProps{
				HostID: res.Host, State: "Running", Enabled: true,
				DefaultHostName: defaultHostName(res.Name), HostNames: []string{defaultHostName(res.Name)},
				ProvisioningState: "Succeeded",
			}
			return nil
		},
	}
}

type siteProps struct {
	HostID            string   `json:"hostId,omitempty"`
	State             string   `json:"state"`
	Enabled           bool     `json:"enabled"`
	DefaultHostName   string   `json:"defaultHostName"`
	HostNames         []string `json:"hostNames"`
	ProvisioningState string   `json:"provisioningState"`
}

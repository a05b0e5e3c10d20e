package resources

import (
	"strings"

	"github.com/lanyardhq/lanyard/internal/dataplane"
)

// Data-plane addresses rendered in resource properties come from
// dataplane.Endpoints, which also parses the requests that arrive at them.

func (h *Handler) endpoints() dataplane.Endpoints {
	return dataplane.Endpoints{Base: h.cfg.BaseURL, Domain: h.cfg.Domain}
}

func (h *Handler) blobEndpoint(account string) string { return h.endpoints().BlobURL(account) }

func (h *Handler) vaultURI(vault string) string { return h.endpoints().VaultURL(vault) }

// defaultHostName is an app's host name; apps run on hosts the agent
// manages, so it is informational, as in Azure's *.azurewebsites.net.
func defaultHostName(site string) string {
	return strings.ToLower(site) + ".apps.lanyard.internal"
}

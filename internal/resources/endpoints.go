package resources

import "strings"

// Data-plane addresses rendered in resource properties. They live in one
// place because the data planes (and host-style names when a domain is
// configured) come later and will change them.

func (h *Handler) blobEndpoint(account string) string {
	return strings.TrimSuffix(h.cfg.BaseURL, "/") + "/" + account + "/"
}

func (h *Handler) vaultURI(vault string) string {
	return strings.TrimSuffix(h.cfg.BaseURL, "/") + "/vaults/" + vault + "/"
}

// defaultHostName is an app's host name; apps run on hosts the agent
// manages, so it is informational, as in Azure's *.azurewebsites.net.
func defaultHostName(site string) string {
	return strings.ToLower(site) + ".apps.lanyard.internal"
}

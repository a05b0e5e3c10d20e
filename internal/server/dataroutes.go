package server

import (
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/resources"
)

// dataService is a data plane (blob storage, the secrets vault).
type dataService interface {
	Serve(w http.ResponseWriter, r *http.Request, addr dataplane.Address)
}

// Azure's audiences for the data planes; each service also accepts the
// URLs it was addressed at.
const (
	storageAudience = "https://storage.azure.com"
	vaultAudience   = "https://vault.azure.net"
)

// dataRouter finds the data service a request is addressed to:
// host-style ({account}.blob.{domain}, {vault}.vault.{domain}) when a
// domain is configured, else path-style: "/vaults/{vault}/..." and
// "/{account}/..." for any valid account name that is not one of
// Lanyard's own first path segments (resources reserves those).
type dataRouter struct {
	ep    dataplane.Endpoints
	blob  dataService
	vault dataService
}

// route serves r and returns true if it is a data-plane request.
func (d *dataRouter) route(w http.ResponseWriter, r *http.Request) bool {
	origin := "https://" + r.Host
	switch svc, name := d.ep.HostStyle(r.Host); svc {
	case dataplane.Blob:
		d.serveBlob(w, r, name, r.URL.Path, origin)
		return true
	case dataplane.Vault:
		d.serveVault(w, r, name, r.URL.Path, origin, "", d.ep.VaultResource(true, r.Host))
		return true
	}
	first, rest := splitFirst(r.URL.Path)
	if first == "vaults" {
		name, below := splitFirst(rest)
		if name == "" {
			return false
		}
		d.serveVault(w, r, name, below, origin+"/vaults/"+name, origin, d.ep.VaultResource(false, r.Host))
		return true
	}
	if resources.ValidStorageName(first) && !resources.ReservedStorageName(first) {
		d.serveBlob(w, r, first, rest, origin+"/"+first)
		return true
	}
	return false
}

func (d *dataRouter) serveBlob(w http.ResponseWriter, r *http.Request, name, path, base string) {
	d.blob.Serve(w, r, dataplane.Address{
		Name: name, Path: path, BaseURL: base, Resource: storageAudience,
		Audiences: []string{storageAudience, base, strings.TrimSuffix(d.ep.BlobURL(name), "/")},
	})
}

func (d *dataRouter) serveVault(w http.ResponseWriter, r *http.Request, name, path, base, idBase, resource string) {
	d.vault.Serve(w, r, dataplane.Address{
		Name: name, Path: path, BaseURL: base, IDBaseURL: idBase, Resource: resource,
		Audiences: []string{vaultAudience, resource},
	})
}

// splitFirst splits "/a/b/c" into "a" and "/b/c" ("/" when nothing
// follows), and "" into "", "/".
func splitFirst(p string) (first, rest string) {
	p = strings.TrimPrefix(p, "/")
	first, rest, _ = strings.Cut(p, "/")
	return first, "/" + rest
}

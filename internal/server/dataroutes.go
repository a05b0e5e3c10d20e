package server

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/resources"
)

// dataService is a data plane (blob storage, the secrets vault).
type dataService interface {
	Serve(w http.ResponseWriter, r *http.Request, addr dataplane.Address)
}

// dataRouter finds the data service a request is addressed to:
// host-style ({account}.blob.{domain}, {vault}.vault.{domain}) when a
// domain is configured, else path-style: "/vaults/{vault}/..." and
// "/{account}/..." for any valid account name that is not one of
// Lanyard's own first path segments (resources reserves those).
// dataplane.Endpoints.Resolve decides, and builds the address (with the
// token audiences accepted there) from configuration, never from the
// Host header alone.
type dataRouter struct {
	ep    dataplane.Endpoints
	blob  dataService
	vault dataService
}

// route serves r and returns true if it is a data-plane request.
func (d *dataRouter) route(w http.ResponseWriter, r *http.Request) bool {
	svc, addr := d.ep.Resolve(r, pathStyleAccount)
	if svc == dataplane.NoService {
		return false
	}
	if svc == dataplane.Blob {
		d.blob.Serve(w, r, addr)
	} else {
		d.vault.Serve(w, r, addr)
	}
	return true
}

func pathStyleAccount(first string) bool {
	return resources.ValidStorageName(first) && !resources.ReservedStorageName(first)
}

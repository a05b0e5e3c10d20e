package msi

import (
	"context"
	"errors"
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// placedOn reports whether res may be served by host: a VM serves only
// itself; an app is served by the VM it is placed on, or by the server's
// built-in agent when it is placed on none. An empty host serves nothing
// (it would otherwise match every unplaced app).
func placedOn(res store.Resource, host string) bool {
	if host == "" {
		return false
	}
	switch {
	case strings.EqualFold(res.Type, typeVM):
		return strings.EqualFold(res.ID, host)
	case strings.EqualFold(res.Type, typeSites):
		if res.Host == "" {
			return host == fabric.LocalHost
		}
		return strings.EqualFold(res.Host, host)
	}
	return false
}

// notPlaced is the answer for a resource that is missing or placed on
// another host: one message for both, so a host cannot learn which
// resources exist elsewhere.
func notPlaced(id string) *fabric.Error {
	return fabric.Errorf(fabric.CodeResourceNotFound,
		"The resource '%s' was not found on this host.", clip(id))
}

// owner loads the asking resource and checks its placement on f's host.
func (f *hostFabric) owner(ctx context.Context, id scope.ID, asked string) (store.Resource, *fabric.Error) {
	res, err := f.s.cfg.Store.GetResource(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		return res, notPlaced(asked)
	}
	if err != nil {
		return res, f.s.serverError("read the resource", err)
	}
	if !strings.EqualFold(res.Type, id.Type()) || !placedOn(res, f.host) {
		return res, notPlaced(asked)
	}
	return res, nil
}

package msi

import (
	"context"
	"errors"
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Azure answers both cases with "Identity not found"; the rest says which.
var (
	errNoSystemIdentity = fabric.Errorf(fabric.CodeIdentityNotFound,
		"Identity not found: the resource has no system-assigned managed identity.")
	errNotAssigned = fabric.Errorf(fabric.CodeIdentityNotFound,
		"Identity not found: no managed identity with the specified client_id, object_id or mi_res_id is assigned to this resource.")
)

// identity resolves the identity sel names for res and checks that res may
// use it now: it exists, is an enabled managed identity, and is either res's
// own system-assigned identity or a user-assigned identity attached to res.
// It runs on every call, cached token or not.
func (f *hostFabric) identity(ctx context.Context, res store.Resource, sel selector) (store.Principal, *fabric.Error) {
	st := f.s.cfg.Store
	notFound := errNotAssigned
	var p store.Principal
	var err error
	switch {
	case sel.none():
		notFound = errNoSystemIdentity
		p, err = st.GetPrincipalByResourceID(ctx, res.ID)
	case sel.clientID != "":
		p, err = st.GetPrincipalByClientID(ctx, sel.clientID)
	case sel.objectID != "":
		p, err = st.GetPrincipal(ctx, sel.objectID)
	default:
		var attached string
		if attached, err = f.attachedByKey(ctx, res.ID, sel.miKey); err == nil {
			p, err = st.GetPrincipalByResourceID(ctx, attached)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return p, notFound
	}
	if err != nil {
		return p, f.s.serverError("read the identity", err)
	}
	if p.Kind != store.KindManagedIdentity || p.Disabled {
		return p, notFound
	}
	switch p.IdentityType {
	case store.SystemAssigned:
		// Azure lets a resource name its own system-assigned identity by
		// client or object ID.
		if res.SystemAssigned && strings.EqualFold(p.ResourceID, res.ID) {
			return p, nil
		}
	case store.UserAssigned:
		key, err := scope.KeyOf(p.ResourceID)
		if err != nil {
			return p, notFound
		}
		if _, err := f.attachedByKey(ctx, res.ID, key); err == nil {
			return p, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return p, f.s.serverError("read the identity", err)
		}
	}
	return p, notFound
}

// attachedByKey returns the identity resource attached to resourceID whose
// key is key, or store.ErrNotFound.
func (f *hostFabric) attachedByKey(ctx context.Context, resourceID, key string) (string, error) {
	ids, err := f.s.cfg.Store.AttachedIdentities(ctx, resourceID)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if k, err := scope.KeyOf(id); err == nil && k == key {
			return id, nil
		}
	}
	return "", store.ErrNotFound
}

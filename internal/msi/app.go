package msi

import (
	"context"
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/resources"
	"github.com/lanyardhq/lanyard/internal/store"
)

// maxAppName bounds a name lookup (ARM names are far shorter).
const maxAppName = 260

// App implements fabric.Fabric: it resolves an app placed on this host by
// resource ID, or by name among the apps placed on this host (names are
// unique only within a resource group, so a name may be ambiguous).
func (f *hostFabric) App(ctx context.Context, nameOrID string) (fabric.App, error) {
	var site store.Resource
	var ferr *fabric.Error
	if strings.HasPrefix(nameOrID, "/") {
		site, ferr = f.appByID(ctx, nameOrID)
	} else {
		site, ferr = f.appByName(ctx, nameOrID)
	}
	if ferr != nil {
		return fabric.App{}, ferr
	}
	settings, err := resources.LoadAppSettings(ctx, f.s.cfg.Store, site.ID)
	if err != nil {
		return fabric.App{}, f.s.serverError("read the app settings", err)
	}
	return fabric.App{ID: site.ID, Name: site.Name, Settings: settings}, nil
}

func (f *hostFabric) appByID(ctx context.Context, s string) (store.Resource, *fabric.Error) {
	id, ferr := parseOwner(s, fabric.CodeInvalidRequest)
	if ferr != nil {
		return store.Resource{}, ferr
	}
	if !strings.EqualFold(id.Type(), typeSites) {
		return store.Resource{}, fabric.Errorf(fabric.CodeInvalidRequest,
			"The app '%s' is not the resource ID of an app (%s).", clip(s), typeSites)
	}
	return f.owner(ctx, id, s)
}

func (f *hostFabric) appByName(ctx context.Context, name string) (store.Resource, *fabric.Error) {
	if name == "" || len(name) > maxAppName || strings.ContainsAny(name, "/\\") {
		return store.Resource{}, fabric.Errorf(fabric.CodeInvalidRequest,
			"The app '%s' is neither an app name nor an app resource ID.", clip(name))
	}
	sites, err := f.s.cfg.Store.ListResources(ctx, store.ResourceFilter{Type: typeSites})
	if err != nil {
		return store.Resource{}, f.s.serverError("list the apps", err)
	}
	var found []store.Resource
	for _, r := range sites {
		if strings.EqualFold(r.Name, name) && placedOn(r, f.host) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return store.Resource{}, fabric.Errorf(fabric.CodeResourceNotFound,
			"No app named '%s' is placed on this host.", clip(name))
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, r := range found {
		ids[i] = r.ID
	}
	return store.Resource{}, fabric.Errorf(fabric.CodeAmbiguousApp,
		"Several apps named '%s' are placed on this host; name one by its resource ID: %s.", clip(name), strings.Join(ids, ", "))
}

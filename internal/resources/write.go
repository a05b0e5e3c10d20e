package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

func (h *Handler) putResource(w http.ResponseWriter, r *arm.Request, k *kind) {
	h.writeResource(w, r, k, false)
}

func (h *Handler) patchResource(w http.ResponseWriter, r *arm.Request, k *kind) {
	h.writeResource(w, r, k, true)
}

// writeResource is PUT (create or replace) and PATCH (merge into an
// existing resource). Checks that need no store run first; everything that
// changes state runs in one transaction.
func (h *Handler) writeResource(w http.ResponseWriter, r *arm.Request, k *kind, patch bool) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkTracked(r, k)
	}
	if err == nil {
		err = h.authorize(ctx, c, k.typ+"/write", r.ID.String())
	}
	var in body
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &in)
	}
	var pre *prepared
	if err == nil {
		pre, err = h.prepare(ctx, c, r, k, &in, patch)
	}
	var out resourceJSON
	created := false
	if err == nil {
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			var err error
			out, created, err = h.apply(ctx, tx, c, r, k, &in, pre, patch)
			return err
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	if k.identity {
		h.sync(ctx)
	}
	writePut(w, created, out)
}

// writePut answers a successful PUT or PATCH with v: 201 when the request
// created the resource, 200 when it changed an existing one, as ARM does.
func writePut(w http.ResponseWriter, created bool, v any) {
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	arm.WriteJSON(w, status, v)
}

// prepared is what writeResource learned before its transaction.
type prepared struct {
	location   string
	identity   identityRequest
	authorized map[string]bool // identity keys already checked for assign/action
	host       hostRef
}

func (h *Handler) prepare(ctx context.Context, c authn.Caller, r *arm.Request, k *kind, in *body, patch bool) (*prepared, error) {
	p := &prepared{}
	var err error
	if !patch {
		if p.location, err = checkLocation(in.Location); err != nil {
			return nil, err
		}
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if p.identity, err = parseIdentity(in.Identity); err != nil {
		return nil, err
	}
	if !k.identity && p.identity.present && (p.identity.system || p.identity.user || len(p.identity.entries) > 0) {
		return nil, arm.BadRequest("InvalidIdentityType", "Resources of type '%s' do not support managed identities.", k.typ)
	}
	if k.hosted {
		if p.host, err = parseHost(in.Properties, patch); err != nil {
			return nil, err
		}
		if p.host.id != "" {
			if err := h.authorize(ctx, c, typeVM+"/read", p.host.id); err != nil {
				return nil, err
			}
		}
	}
	if p.authorized, err = h.authorizeNewUAIs(ctx, c, r.ID.String(), p.identity); err != nil {
		return nil, err
	}
	return p, nil
}

// apply runs inside the transaction and returns the rendered resource.
func (h *Handler) apply(ctx context.Context, tx store.Tx, c authn.Caller, r *arm.Request, k *kind, in *body, pre *prepared, patch bool) (resourceJSON, bool, error) {
	group, err := parentGroup(ctx, tx, r.ID.Subscription, r.ID.ResourceGroup)
	if err != nil {
		return resourceJSON{}, false, err
	}
	name := r.ID.Name()
	id := group.ID + "/providers/" + k.typ + "/" + name
	old, err := tx.GetResource(ctx, id)
	exists := err == nil
	switch {
	case errors.Is(err, store.ErrNotFound) && patch:
		return resourceJSON{}, false, resourceNotFound(k.typ, name, group.Name)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return resourceJSON{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	if exists && !patch && !sameLocation(old.Location, pre.location) {
		return resourceJSON{}, false, arm.BadRequest("InvalidResourceLocation",
			"The resource '%s' already exists in location '%s' in resource group '%s'. A resource with the same name cannot be created in location '%s'.",
			name, old.Location, group.Name, pre.location)
	}
	if !exists && k.conflict != nil {
		if err := checkGlobalName(ctx, tx, k, name); err != nil {
			return resourceJSON{}, false, err
		}
	}
	var oldp *store.Resource
	cur := identityState{uais: map[string]string{}}
	if exists {
		oldp = &old
		if cur, err = currentIdentity(ctx, tx, old); err != nil {
			return resourceJSON{}, false, err
		}
	}
	next, err := pre.identity.resolve(cur, patch)
	if err != nil {
		return resourceJSON{}, false, err
	}
	props, err := k.props(h, in, oldp, patch)
	if err != nil {
		return resourceJSON{}, false, err
	}
	res := store.Resource{
		ID: id, Type: k.typ, SubscriptionID: group.SubscriptionID, ResourceGroup: group.Name, Name: name,
		Location: pre.location, CreatedAt: h.now(),
	}
	if exists {
		res = old
	}
	res.Properties, res.SystemAssigned, res.UpdatedAt = props, next.system, h.now()
	if !patch || in.Tags != nil {
		res.Tags = in.Tags
	}
	if k.hosted {
		if res.Host, err = resolveHost(ctx, tx, pre.host, res.Host); err != nil {
			return resourceJSON{}, false, err
		}
	}
	if exists {
		err = tx.UpdateResource(ctx, id, func(store.Resource) (store.Resource, error) { return res, nil })
	} else if err = tx.CreateResource(ctx, res); err == nil && k.created != nil {
		err = k.created(h, ctx, tx, res)
	}
	if err != nil {
		return resourceJSON{}, false, fmt.Errorf("write %s: %w", id, err)
	}
	if err := h.applyIdentity(ctx, tx, c, res, cur, next, pre.authorized); err != nil {
		return resourceJSON{}, false, err
	}
	out, err := h.render(ctx, tx, k, res)
	return out, !exists, err
}

package resources

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

var subscriptionVersions = []string{"2016-06-01", "2020-01-01", "2021-01-01", "2022-12-01"}

// subscriptionJSON is ARM's subscription body.
type subscriptionJSON struct {
	ID                  string `json:"id"`
	SubscriptionID      string `json:"subscriptionId"`
	DisplayName         string `json:"displayName"`
	State               string `json:"state"`
	TenantID            string `json:"tenantId"`
	AuthorizationSource string `json:"authorizationSource"`
}

type subscriptionProps struct {
	DisplayName string `json:"displayName"`
}

func (h *Handler) registerSubscriptions(rt *arm.Router) {
	rt.Handle(http.MethodGet, typeSubscriptions, subscriptionVersions, h.getSubscription)
	rt.Handle(http.MethodPut, typeSubscriptions, subscriptionVersions, h.putSubscription)
	rt.Handle(http.MethodDelete, typeSubscriptions, subscriptionVersions, h.deleteSubscription)
	rt.HandleCollection(http.MethodGet, typeSubscriptions, subscriptionVersions, h.listSubscriptions)
}

func (h *Handler) renderSubscription(s store.Resource) subscriptionJSON {
	var p subscriptionProps
	_ = json.Unmarshal(s.Properties, &p) // written only by putSubscription
	return subscriptionJSON{ID: s.ID, SubscriptionID: s.Name, DisplayName: p.DisplayName, State: "Enabled",
		TenantID: h.cfg.TenantID, AuthorizationSource: "RoleBased"}
}

// checkSubscriptionPath rejects IDs of the subscription type that are not
// /subscriptions/{s} (e.g. /providers/Microsoft.Resources/subscriptions/x).
func checkSubscriptionPath(r *arm.Request) error {
	if r.ID.Subscription == "" || r.ID.ResourceGroup != "" || len(r.ID.Segments) > 0 {
		return invalidID("A subscription's ID is /subscriptions/{subscriptionId}.")
	}
	return checkName(typeSubscriptions, r.ID.Subscription, genericName)
}

func (h *Handler) getSubscription(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkSubscriptionPath(r)
	}
	if err == nil {
		err = h.authorize(ctx, c, typeSubscriptions+"/read", r.ID.String())
	}
	var s store.Resource
	if err == nil {
		s, err = getSubscription(ctx, h.cfg.Store, r.ID.Subscription)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, h.renderSubscription(s))
}

func (h *Handler) listSubscriptions(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil && !r.ID.IsRoot() {
		err = invalidID("Subscriptions are listed at /subscriptions.")
	}
	var all []store.Resource
	if err == nil {
		all, err = h.cfg.Store.ListResources(ctx, store.ResourceFilter{Type: typeSubscriptions})
	}
	out := list[subscriptionJSON]{Value: []subscriptionJSON{}}
	for _, s := range all {
		if err != nil {
			break
		}
		var ok bool
		if ok, err = h.canRead(ctx, c, typeSubscriptions, s.ID); ok {
			out.Value = append(out.Value, h.renderSubscription(s))
		}
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

// putSubscription creates or renames a subscription (a Lanyard extension:
// Azure creates subscriptions through billing). It needs write at "/".
func (h *Handler) putSubscription(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkSubscriptionPath(r)
	}
	if err == nil {
		err = h.authorize(ctx, c, typeSubscriptions+"/write", "/")
	}
	var in subscriptionProps
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &in)
	}
	if err == nil && len(in.DisplayName) > 256 {
		err = arm.BadRequest("InvalidDisplayName", "The display name may be at most 256 characters.")
	}
	if in.DisplayName == "" {
		in.DisplayName = r.ID.Subscription
	}
	var out store.Resource
	created := false
	if err == nil {
		props, _ := json.Marshal(in)
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			cur, err := tx.GetResource(ctx, subscriptionID(r.ID.Subscription))
			created = errors.Is(err, store.ErrNotFound)
			switch {
			case created:
				now := h.now()
				out = store.Resource{ID: subscriptionID(r.ID.Subscription), Type: typeSubscriptions, SubscriptionID: r.ID.Subscription,
					Name: r.ID.Subscription, Tags: map[string]string{}, Properties: props, CreatedAt: now, UpdatedAt: now}
				return tx.CreateResource(ctx, out)
			case err != nil:
				return fmt.Errorf("get subscription: %w", err)
			}
			out = cur
			out.Properties, out.UpdatedAt = props, h.now()
			return tx.UpdateResource(ctx, cur.ID, func(store.Resource) (store.Resource, error) { return out, nil })
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	writePut(w, created, h.renderSubscription(out))
}

// deleteSubscription deletes a subscription with everything in it. Like
// creation it needs the permission at "/": a subscription's own Owner may
// not remove it.
func (h *Handler) deleteSubscription(w http.ResponseWriter, r *arm.Request) {
	c, err := caller(r)
	if err == nil {
		err = checkSubscriptionPath(r)
	}
	if err == nil {
		err = h.authorize(r.Context(), c, typeSubscriptions+"/delete", "/")
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.deleteByID(w, r, subscriptionID(r.ID.Subscription))
}

package resources

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

func subscriptionID(sub string) string { return "/subscriptions/" + sub }

func groupID(sub, group string) string { return subscriptionID(sub) + "/resourceGroups/" + group }

// checkTracked rejects paths the router matched by type but that do not
// address a top-level resource in a group, e.g. a site nested under a VM
// through an extension ("…/virtualMachines/v/providers/Microsoft.Web/sites/x").
func checkTracked(r *arm.Request, k *kind) error {
	if r.ID.Subscription == "" || r.ID.ResourceGroup == "" || len(r.ID.Segments) != 1 || r.ID.Segments[0].Extension {
		return invalidID("Resources of type '%s' live directly in a resource group: /subscriptions/{s}/resourceGroups/{g}/providers/%s/{name}.", k.typ, k.typ)
	}
	return checkName(k.typ, r.ID.Name(), k.name)
}

// getSubscription returns the subscription or 404 SubscriptionNotFound.
func getSubscription(ctx context.Context, tx store.Tx, sub string) (store.Resource, error) {
	s, err := tx.GetResource(ctx, subscriptionID(sub))
	if errors.Is(err, store.ErrNotFound) || (err == nil && s.Type != typeSubscriptions) {
		return store.Resource{}, subscriptionNotFound(sub)
	}
	if err != nil {
		return store.Resource{}, fmt.Errorf("get subscription %s: %w", sub, err)
	}
	return s, nil
}

// parentGroup returns the resource group, or the 404 ARM gives for a missing
// group or a missing subscription.
func parentGroup(ctx context.Context, tx store.Tx, sub, group string) (store.Resource, error) {
	g, err := tx.GetResource(ctx, groupID(sub, group))
	if err == nil && g.Type == typeGroups {
		return g, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Resource{}, fmt.Errorf("get group %s: %w", group, err)
	}
	if _, err := getSubscription(ctx, tx, sub); err != nil {
		return store.Resource{}, err
	}
	return store.Resource{}, groupNotFound(group)
}

// checkGlobalName enforces tenant-wide unique names for k's type.
func checkGlobalName(ctx context.Context, tx store.Tx, k *kind, name string) error {
	all, err := tx.ListResources(ctx, store.ResourceFilter{Type: k.typ})
	if err != nil {
		return fmt.Errorf("list %s: %w", k.typ, err)
	}
	for _, r := range all {
		if strings.EqualFold(r.Name, name) {
			return k.conflict(name)
		}
	}
	return nil
}

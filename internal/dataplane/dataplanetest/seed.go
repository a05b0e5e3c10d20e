package dataplanetest

import (
	"context"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

// Seed creates res (its ID, Type, Name, SubscriptionID and ResourceGroup
// set; location, properties and times are filled in) under a new
// subscription and resource group, loads an RBAC index over p's store and
// returns it with a Guard that checks p's tokens against it.
func Seed(t testing.TB, p *tokentest.Parts, res store.Resource) (*rbac.Index, *dataplane.Guard) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	sub, rg := res.SubscriptionID, res.ResourceGroup
	if res.Location == "" {
		res.Location = "local"
	}
	if res.Properties == nil {
		res.Properties = []byte(`{}`)
	}
	res.CreatedAt, res.UpdatedAt = now, now
	for _, r := range []store.Resource{
		{ID: "/subscriptions/" + sub, Type: "Microsoft.Resources/subscriptions", SubscriptionID: sub, Name: sub, CreatedAt: now, UpdatedAt: now},
		{ID: "/subscriptions/" + sub + "/resourceGroups/" + rg, Type: "Microsoft.Resources/resourceGroups", SubscriptionID: sub,
			ResourceGroup: rg, Name: rg, Location: "local", CreatedAt: now, UpdatedAt: now},
		res,
	} {
		if err := p.Store.CreateResource(ctx, r); err != nil {
			t.Fatalf("dataplanetest: create %s: %v", r.ID, err)
		}
	}
	index := rbac.NewIndex(p.Store, time.Now)
	if err := index.Load(ctx); err != nil {
		t.Fatalf("dataplanetest: load index: %v", err)
	}
	return index, dataplane.NewGuard(p.Verifier, index)
}

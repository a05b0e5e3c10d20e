package storetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	sub    = "/subscriptions/Sub1"
	rg     = sub + "/resourceGroups/RG1"
	rgLike = sub + "/resourceGroups/RG10" // shares rg's prefix, is not below it
	site   = rg + "/providers/Microsoft.Web/sites/Site_1"
	config = site + "/config/appsettings"
	uai    = rg + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Id1"
)

func resource(id, typ string) store.Resource {
	r := store.Resource{ID: id, Type: typ, SubscriptionID: "Sub1", Name: id[len(id)-4:],
		Location: "westeurope", CreatedAt: at(1), UpdatedAt: at(2)}
	if strings.HasPrefix(id, rg+"/") {
		r.ResourceGroup = "RG1"
	}
	return r
}

// tree creates a subscription, two look-alike groups and nested resources.
func tree(t *testing.T, s store.Store) {
	t.Helper()
	ok(t, s.CreateResource(bg, resource(sub, "Microsoft.Resources/subscriptions")))
	ok(t, s.CreateResource(bg, resource(rg, "Microsoft.Resources/resourceGroups")))
	ok(t, s.CreateResource(bg, resource(rgLike, "Microsoft.Resources/resourceGroups")))
	ok(t, s.CreateResource(bg, resource(rgLike+"/providers/Microsoft.Web/sites/other", "Microsoft.Web/sites")))
	ok(t, s.CreateResource(bg, resource(site, "Microsoft.Web/sites")))
	ok(t, s.CreateResource(bg, resource(config, "Microsoft.Web/sites/config")))
	ok(t, s.CreateResource(bg, resource(uai, "Microsoft.ManagedIdentity/userAssignedIdentities")))
}

func rids(rs []store.Resource) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func testResources(t *testing.T, open Opener) {
	t.Run("CreateGetUpdate", func(t *testing.T) {
		s := fresh(t, open)
		r := resource(site, "Microsoft.Web/sites")
		r.Tags = map[string]string{"env": "prod"}
		r.Properties = json.RawMessage(`{"state":"Running"}`)
		r.SystemAssigned = true
		r.Host = rg + "/providers/Microsoft.Compute/virtualMachines/vm1"
		ok(t, s.CreateResource(bg, r))
		is(t, s.CreateResource(bg, resource(upper(site), "Microsoft.Web/sites")), store.ErrConflict)
		got, err := s.GetResource(bg, upper(site))
		ok(t, err)
		equal(t, got, r) // original casing, tags, properties intact
		_, err = s.GetResource(bg, site+"x")
		is(t, err, store.ErrNotFound)

		ok(t, s.UpdateResource(bg, upper(site), func(r store.Resource) (store.Resource, error) {
			r.Tags = nil
			r.Location = "northeurope"
			r.UpdatedAt = at(9)
			return r, nil
		}))
		got, err = s.GetResource(bg, site)
		ok(t, err)
		if got.Tags != nil || got.Location != "northeurope" || !got.UpdatedAt.Equal(at(9)) || got.ID != site {
			t.Fatalf("update not applied: %+v", got)
		}
		boom := errors.New("boom")
		is(t, s.UpdateResource(bg, site, func(r store.Resource) (store.Resource, error) { return r, boom }), boom)
		fails(t, s.UpdateResource(bg, site, func(r store.Resource) (store.Resource, error) {
			r.Type = "Microsoft.Web/other"
			return r, nil
		}))
		fails(t, s.UpdateResource(bg, site, func(r store.Resource) (store.Resource, error) {
			r.ID = rg
			return r, nil
		}))
		is(t, s.UpdateResource(bg, "/nope", func(r store.Resource) (store.Resource, error) { return r, nil }), store.ErrNotFound)
	})
	t.Run("List", func(t *testing.T) {
		s := fresh(t, open)
		tree(t, s)
		cases := []struct {
			name string
			f    store.ResourceFilter
			want []string
		}{
			{"type", store.ResourceFilter{Type: "microsoft.web/SITES"}, []string{rgLike + "/providers/Microsoft.Web/sites/other", site}},
			{"group", store.ResourceFilter{SubscriptionID: "SUB1", ResourceGroup: "rg1"}, []string{uai, site, config}},
			{"under group", store.ResourceFilter{Under: upper(rg)}, []string{uai, site, config}},
			{"under site", store.ResourceFilter{Under: site}, []string{config}},
			{"under leaf", store.ResourceFilter{Under: config}, []string{}},
			{"under root", store.ResourceFilter{Under: "/"}, nil},
			{"no match", store.ResourceFilter{SubscriptionID: "other"}, []string{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListResources(bg, c.f)
				ok(t, err)
				if c.want == nil {
					equal(t, len(got), 7)
					return
				}
				equal(t, rids(got), sortedByKey(c.want))
			})
		}
	})
	t.Run("FindByName", func(t *testing.T) {
		s := fresh(t, open)
		tree(t, s)
		acct := rg + "/providers/Microsoft.Storage/storageAccounts/Acct1"
		r := resource(acct, "Microsoft.Storage/storageAccounts")
		r.Name = "Acct1"
		ok(t, s.CreateResource(bg, r))
		got, err := s.FindResource(bg, "microsoft.storage/STORAGEACCOUNTS", "ACCT1")
		ok(t, err)
		equal(t, got.ID, acct)
		// The same name under another type is not a match.
		_, err = s.FindResource(bg, "Microsoft.KeyVault/vaults", "acct1")
		is(t, err, store.ErrNotFound)
		ok(t, s.DeleteResource(bg, rg))
		_, err = s.FindResource(bg, "Microsoft.Storage/storageAccounts", "acct1")
		is(t, err, store.ErrNotFound)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		s := fresh(t, open)
		tree(t, s)
		ok(t, s.CreatePrincipal(bg, identity("m1", "c1", uai)))
		ok(t, s.AttachIdentity(bg, site, uai))
		ok(t, s.AttachIdentity(bg, rgLike+"/providers/Microsoft.Web/sites/other", uai))
		is(t, s.DeleteResource(bg, rg+"/nope"), store.ErrNotFound)
		ok(t, s.DeleteResource(bg, upper(rg)))
		all, err := s.ListResources(bg, store.ResourceFilter{})
		ok(t, err)
		equal(t, rids(all), []string{sub, rgLike, rgLike + "/providers/Microsoft.Web/sites/other"})
		// The look-alike group's resource lost its attachment to the
		// deleted identity; the identity's principal is the caller's.
		used, err := s.AttachedIdentities(bg, rgLike+"/providers/Microsoft.Web/sites/other")
		ok(t, err)
		equal(t, len(used), 0)
		_, err = s.GetPrincipalByResourceID(bg, uai)
		ok(t, err)
		// Re-creating a deleted ID starts clean.
		ok(t, s.CreateResource(bg, resource(site, "Microsoft.Web/sites")))
		att, err := s.AttachedIdentities(bg, site)
		ok(t, err)
		equal(t, len(att), 0)
	})
}

package storetest

import (
	"sort"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func upper(s string) string { return strings.ToUpper(s) }

// sortedByKey orders IDs as the store lists them: by lower-cased ID.
func sortedByKey(ids []string) []string {
	out := append([]string{}, ids...)
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

func testAttachments(t *testing.T, open Opener) {
	s := fresh(t, open)
	tree(t, s)
	uai2 := rg + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Id2"
	ok(t, s.CreateResource(bg, resource(uai2, "Microsoft.ManagedIdentity/userAssignedIdentities")))
	ok(t, s.AttachIdentity(bg, upper(site), uai2))
	ok(t, s.AttachIdentity(bg, site, upper(uai)))
	ok(t, s.AttachIdentity(bg, site, uai)) // idempotent
	ok(t, s.AttachIdentity(bg, rg, uai))
	is(t, s.AttachIdentity(bg, site, rg+"/nope"), store.ErrNotFound)
	is(t, s.AttachIdentity(bg, rg+"/nope", uai), store.ErrNotFound)

	got, err := s.AttachedIdentities(bg, upper(site))
	ok(t, err)
	equal(t, got, []string{uai, uai2}) // stored casing
	users, err := s.ResourcesUsingIdentity(bg, upper(uai))
	ok(t, err)
	equal(t, users, sortedByKey([]string{rg, site}))

	ok(t, s.DetachIdentity(bg, site, upper(uai)))
	is(t, s.DetachIdentity(bg, site, uai), store.ErrNotFound)
	got, err = s.AttachedIdentities(bg, site)
	ok(t, err)
	equal(t, got, []string{uai2})

	// Deleting the identity resource detaches it everywhere.
	ok(t, s.DeleteResource(bg, uai2))
	got, err = s.AttachedIdentities(bg, site)
	ok(t, err)
	equal(t, len(got), 0)
}

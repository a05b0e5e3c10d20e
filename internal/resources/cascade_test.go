package resources

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

const group2 = "/subscriptions/" + testSub + "/resourceGroups/rg2"

// world builds: identity u1 in rg1 attached to app1 (rg1) and app2 (rg2);
// app1 with a system-assigned identity, settings and placement on vm1;
// role assignments for u1's and app1's principals, and at app1's scope.
type world struct {
	u1, app1, app2, vm1 string
	u1P, app1P          store.Principal
}

func (e *env) world() world {
	e.t.Helper()
	e.group()
	e.must(201, "PUT", group2, `{"location":"local"}`)
	w := world{u1: uaiPath + "u1", app1: sitePath + "app1", app2: group2 + "/providers/Microsoft.Web/sites/app2", vm1: vmPath + "vm1"}
	e.must(201, "PUT", w.u1, `{"location":"local"}`)
	e.must(201, "PUT", w.vm1, `{"location":"local"}`)
	e.must(201, "PUT", w.app1, `{"location":"local","properties":{"hostId":"`+w.vm1+`"},`+
		`"identity":{"type":"SystemAssigned, UserAssigned","userAssignedIdentities":{"`+w.u1+`":{}}}}`)
	e.must(201, "PUT", w.app2, uaiBody("UserAssigned", entry(w.u1, "{}")))
	e.must(200, "PUT", w.app1+"/config/appsettings", `{"properties":{"Managed_Identity_Client_ID":"x"}}`)
	w.u1P, _ = e.principalOf(w.u1)
	w.app1P, _ = e.principalOf(w.app1)
	e.assign(w.u1P.ID, rbac.ReaderID, "/subscriptions/"+testSub)
	e.assign(w.app1P.ID, rbac.ReaderID, group2)
	e.assign(ownerID, rbac.ReaderID, w.app1)
	return w
}

// snapshot is everything a cascade may touch.
type snapshot struct {
	Resources   []string
	Principals  []string
	Assignments []string
	Attached    map[string][]string
	Hosts       map[string]string
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	ctx := context.Background()
	s := snapshot{Attached: map[string][]string{}, Hosts: map[string]string{}}
	rs, err := e.st.ListResources(ctx, store.ResourceFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rs {
		s.Resources = append(s.Resources, r.ID)
		if ids, _ := e.st.AttachedIdentities(ctx, r.ID); len(ids) > 0 {
			s.Attached[r.ID] = ids
		}
		if r.Host != "" {
			s.Hosts[r.ID] = r.Host
		}
	}
	ps, _ := e.st.ListPrincipals(ctx, store.PrincipalFilter{})
	for _, p := range ps {
		s.Principals = append(s.Principals, p.ID+" "+p.ResourceID)
	}
	for _, a := range e.assignments(store.AssignmentFilter{}) {
		s.Assignments = append(s.Assignments, a.PrincipalID+"@"+a.Scope)
	}
	return s
}

func TestDeleteAppCascades(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.must(200, "DELETE", w.app1, "")
	if _, ok := e.principalOf(w.app1); ok {
		t.Error("system-assigned identity survived")
	}
	if as := e.assignments(store.AssignmentFilter{PrincipalID: w.app1P.ID}); len(as) != 0 {
		t.Errorf("its assignments survived: %v", as)
	}
	if as := e.assignments(store.AssignmentFilter{Under: w.app1}); len(as) != 0 {
		t.Errorf("assignments at the app survived: %v", as)
	}
	if _, err := e.st.GetResource(context.Background(), w.app1+"/config/appsettings"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("settings row: %v", err)
	}
	// The shared identity is untouched and still on app2.
	if users, _ := e.st.ResourcesUsingIdentity(context.Background(), w.u1); len(users) != 1 || users[0] != w.app2 {
		t.Errorf("u1 users: %v", users)
	}
	if _, ok := e.principalOf(w.u1); !ok {
		t.Error("u1's principal was deleted with an app")
	}
	// Denied immediately: the index was synced.
	if err := e.index.Authorize(context.Background(), callerOf(w.app1P.ID), "Microsoft.Web/sites/read", group2); err == nil {
		t.Error("deleted identity still authorized")
	}
}

func TestDeleteIdentityDetachesEverywhere(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.must(200, "DELETE", w.u1, "")
	for _, app := range []string{w.app1, w.app2} {
		if ids, _ := e.st.AttachedIdentities(context.Background(), app); len(ids) != 0 {
			t.Errorf("%s still has %v", app, ids)
		}
	}
	if _, ok := e.principalOf(w.u1); ok {
		t.Error("u1's principal survived")
	}
	if as := e.assignments(store.AssignmentFilter{PrincipalID: w.u1P.ID}); len(as) != 0 {
		t.Errorf("u1's assignments survived: %v", as)
	}
	// app1 keeps its system-assigned identity; app2 has none left.
	if m := e.must(200, "GET", w.app1, ""); get(m, "identity", "type") != "SystemAssigned" {
		t.Errorf("app1 identity: %v", m["identity"])
	}
	if m := e.must(200, "GET", w.app2, ""); m["identity"] != nil {
		t.Errorf("app2 identity: %v", m["identity"])
	}
}

func TestDeleteVMUnplacesApps(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.must(200, "DELETE", w.vm1, "")
	if m := e.must(200, "GET", w.app1, ""); get(m, "properties", "hostId") != nil {
		t.Errorf("app1 still placed: %v", m["properties"])
	}
	// A VM re-created under the same ID does not inherit the app.
	e.must(201, "PUT", w.vm1, `{"location":"local"}`)
	if r, _ := e.st.GetResource(context.Background(), w.app1); r.Host != "" {
		t.Errorf("host %q", r.Host)
	}
}

func TestDeleteGroupCascades(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.must(200, "DELETE", groupPath, "")
	s := e.snapshot()
	// Left: the subscription, rg2 and app2 (with nothing attached); the owner.
	want := snapshot{
		Resources:   []string{"/subscriptions/" + testSub, group2, w.app2},
		Principals:  []string{ownerID + " "},
		Assignments: []string{ownerID + "@/"},
		Attached:    map[string][]string{},
		Hosts:       map[string]string{},
	}
	if !equal(want, s) {
		t.Errorf("after group delete:\n got %+v\nwant %+v", s, want)
	}
}

func TestDeleteSubscriptionCascades(t *testing.T) {
	e := newEnv(t)
	e.world()
	e.must(200, "DELETE", "/subscriptions/"+testSub, "")
	want := snapshot{Principals: []string{ownerID + " "}, Assignments: []string{ownerID + "@/"},
		Attached: map[string][]string{}, Hosts: map[string]string{}}
	if got := e.snapshot(); !equal(want, got) {
		t.Errorf("after subscription delete:\n got %+v\nwant %+v", got, want)
	}
}

// failingStore fails a transaction at its last step, after the cascade has
// done everything else, to prove the cascade is all or nothing.
type failingStore struct{ store.Store }

type failingTx struct{ store.Tx }

func (failingTx) DeleteResource(context.Context, string) error { return errors.New("injected failure") }

func (s failingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error { return fn(failingTx{tx}) })
}

func TestCascadeFailureChangesNothing(t *testing.T) {
	for _, target := range []string{groupPath, uaiPath + "u1", sitePath + "app1", vmPath + "vm1", "/subscriptions/" + testSub} {
		t.Run(target, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Store = failingStore{c.Store} })
			e.world()
			before := e.snapshot()
			code, b := e.do("DELETE", target, "", ownerID)
			if code != 500 || errCode(t, b) != "InternalServerError" {
				t.Fatalf("DELETE: %d %s", code, b)
			}
			if after := e.snapshot(); !equal(before, after) {
				t.Errorf("failed delete changed the store:\nbefore %+v\n after %+v", before, after)
			}
		})
	}
}

// equal compares snapshots ignoring the order of the lists.
func equal(a, b snapshot) bool {
	for _, s := range []*snapshot{&a, &b} {
		slices.Sort(s.Resources)
		slices.Sort(s.Principals)
		slices.Sort(s.Assignments)
	}
	return reflect.DeepEqual(a, b)
}

func callerOf(id string) authn.Caller { return authn.Caller{PrincipalID: id} }

func TestSnapshotSeesWorld(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	s := e.snapshot()
	if len(s.Attached) != 2 || s.Hosts[w.app1] != w.vm1 || len(s.Principals) != 3 || len(s.Assignments) != 4 {
		t.Errorf("world: %s", fmt.Sprint(s))
	}
}

package rbac

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

func TestAuthorizeDenied(t *testing.T) {
	x := matrixFixture(t).index()
	ctx := context.Background()
	if err := x.Authorize(ctx, authn.Caller{PrincipalID: "carol"}, "Microsoft.Web/sites/write", rg1); err != nil {
		t.Fatalf("carol is Contributor: %v", err)
	}
	err := x.Authorize(ctx, authn.Caller{PrincipalID: "carol", Name: "carol@example.com"}, raWrite, rg1)
	var d *DeniedError
	if !errors.As(err, &d) || d.PrincipalName != "carol@example.com" || d.Action != raWrite || d.Scope != rg1 {
		t.Fatalf("got %#v", err)
	}
	if code, _, _ := d.ARMError(); code != 403 {
		t.Fatalf("code %d", code)
	}
	if x.Authorize(ctx, authn.Caller{PrincipalID: "dave"}, raWrite, "not a scope") == nil {
		t.Fatal("invalid scope allowed")
	}
}

func TestExplain(t *testing.T) {
	x := matrixFixture(t).index()
	e := x.Explain("carol", raWrite, false, rg1)
	if e.Allowed || len(e.DeniedBy) != 1 || e.DeniedBy[0].RoleName != "Contributor" {
		t.Fatalf("carol: %+v", e)
	}
	// Narrowest first: RBAC Administrator lists the action exactly, UAA via a wildcard, Owner via "*".
	var names []string
	for _, r := range e.GrantingRoles {
		names = append(names, r.RoleName)
	}
	want := []string{"Role Based Access Control Administrator", "User Access Administrator", "Owner"}
	if !slices.Equal(names, want) {
		t.Fatalf("granting roles %v, want %v", names, want)
	}
	e = x.Explain("bob", blobWrite, true, ctr)
	if !e.Allowed || len(e.Matched) != 1 || e.Matched[0].Assignment.PrincipalID != "eng" {
		t.Fatalf("bob: %+v", e)
	}
	if !slices.Contains(e.Principals, "eng") || !slices.Contains(e.Principals, "devs") || e.Principals[0] != "bob" {
		t.Fatalf("principals %v", e.Principals)
	}
	e = x.Explain("carol", blobRead, true, ctr)
	if e.Allowed || len(e.GrantingRoles) == 0 || e.GrantingRoles[0].RoleName != "Storage Blob Data Reader" {
		t.Fatalf("carol data: %+v", e)
	}
}

func TestRolesAndPermissions(t *testing.T) {
	x := matrixFixture(t).index()
	if r, ok := x.Role("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/" + OwnerID); !ok || r.RoleName != "Owner" {
		t.Fatal("Owner by ID")
	}
	custom, ok := x.RoleByName("BLOB READER BUT NOT WRITE")
	if !ok || custom.RoleType != CustomRole {
		t.Fatal("custom by name")
	}
	if !x.AssignableAt(custom, rg1) || x.AssignableAt(custom, "/subscriptions/other") || x.AssignableAt(custom, "/") {
		t.Fatal("custom assignable scopes")
	}
	owner, _ := BuiltinByName("owner")
	if !x.AssignableAt(owner, ctr) {
		t.Fatal("built-in assignable everywhere")
	}
	if len(x.Roles()) != len(Builtins())+1 {
		t.Fatal("Roles count")
	}
	if !x.IsDataAction(blobRead) || !x.IsDataAction(sbSend) || x.IsDataAction("Microsoft.Web/sites/read") {
		t.Fatal("IsDataAction")
	}
	ps := x.Permissions("bob", ctr)
	if len(ps) != 1 || !slices.Contains(ps[0].DataActions, blobWrite) {
		t.Fatalf("permissions %+v", ps)
	}
	if len(x.Permissions("bob", sub)) != 0 {
		t.Fatal("permissions above the assignment")
	}
}

func TestValidateRoleDefinition(t *testing.T) {
	good := store.RoleDefinition{RoleName: "r", Permissions: []store.Permission{{Actions: []string{"*/read", "Microsoft.Web/sites/*"}}}, AssignableScopes: []string{sub}}
	if err := ValidateRoleDefinition(good); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(d *store.RoleDefinition){
		"no name":      func(d *store.RoleDefinition) { d.RoleName = " " },
		"no perms":     func(d *store.RoleDefinition) { d.Permissions = nil },
		"empty action": func(d *store.RoleDefinition) { d.Permissions[0].Actions = []string{""} },
		"space":        func(d *store.RoleDefinition) { d.Permissions[0].DataActions = []string{"Microsoft.Web/a b"} },
		"control":      func(d *store.RoleDefinition) { d.Permissions[0].NotActions = []string{"Microsoft.Web/\x00"} },
		"double star":  func(d *store.RoleDefinition) { d.Permissions[0].Actions = []string{"Microsoft.Web/**"} },
		"empty seg":    func(d *store.RoleDefinition) { d.Permissions[0].Actions = []string{"Microsoft.Web//read"} },
		"no ns":        func(d *store.RoleDefinition) { d.Permissions[0].Actions = []string{"read"} },
		"bad scope":    func(d *store.RoleDefinition) { d.AssignableScopes = []string{"subscriptions/x"} },
		"no scopes":    func(d *store.RoleDefinition) { d.AssignableScopes = nil },
	}
	for name, mut := range bad {
		d := cloneRole(good)
		mut(&d)
		if err := ValidateRoleDefinition(d); !errors.Is(err, ErrInvalidRole) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Builtins() {
		if seen[d.ID] || len(d.ID) != 36 || d.RoleType != BuiltInRole || d.Description == "" {
			t.Errorf("bad built-in %+v", d)
		}
		seen[d.ID] = true
	}
	for _, n := range []string{"Owner", "Contributor", "Reader", "User Access Administrator", "Role Based Access Control Administrator",
		"Managed Identity Contributor", "Managed Identity Operator", "Storage Blob Data Owner", "Storage Queue Data Contributor",
		"Storage Table Data Reader", "Key Vault Secrets User", "Key Vault Administrator", "Azure Service Bus Data Receiver"} {
		if _, ok := BuiltinByName(n); !ok {
			t.Errorf("missing %s", n)
		}
	}
	d, _ := BuiltinByID(StorageBlobDataReaderID)
	d.Permissions[0].DataActions[0] = "*"
	if d2, _ := BuiltinByID(StorageBlobDataReaderID); d2.Permissions[0].DataActions[0] == "*" {
		t.Fatal("catalog mutated through a returned copy")
	}
}

// TestSyncMatchesLoad: after random writes to the real store and a Sync,
// the index answers exactly like one freshly loaded from the store.
func TestSyncMatchesLoad(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	principals := []string{"p0", "p1", "p2", "p3", "g0", "g1", "g2", "g3"}
	scopes := []string{"/", sub, rg1, sub + "/resourceGroups/rg10", acc, ctr, mi}
	roles := []string{OwnerID, ContributorID, ReaderID, StorageBlobDataReaderID, StorageBlobDataContributorID, ManagedIdentityOperatorID, "c0ffee00-0000-0000-0000-000000000002"}
	custom := roles[len(roles)-1]
	actions := []struct {
		a    string
		data bool
	}{{raWrite, false}, {"Microsoft.Web/sites/read", false}, {"Microsoft.Web/sites/write", false}, {blobRead, true}, {blobWrite, true}, {miAssign, false}}
	f := newFixture(t, principals[4:]...)
	for _, p := range principals {
		f.principal(p)
	}
	s := f.s
	x := f.index()
	// Store errors (a duplicate, removing an absent edge) are expected
	// outcomes of random writes: the index must follow whatever committed.
	for round := range 40 {
		for range 1 + rng.IntN(15) {
			switch rng.IntN(6) {
			case 0, 1:
				_ = s.CreateAssignment(ctx, store.RoleAssignment{
					Name: fmt.Sprintf("a%d", rng.IntN(60)), PrincipalID: principals[rng.IntN(len(principals))],
					RoleDefinitionID: roles[rng.IntN(len(roles))], Scope: scopes[rng.IntN(len(scopes))],
				})
			case 2:
				_ = s.DeleteAssignment(ctx, fmt.Sprintf("a%d", rng.IntN(60)))
			case 3:
				_ = s.AddMember(ctx, principals[4+rng.IntN(4)], principals[rng.IntN(len(principals))])
			case 4:
				_ = s.RemoveMember(ctx, principals[4+rng.IntN(4)], principals[rng.IntN(len(principals))])
			case 5:
				switch rng.IntN(4) {
				case 0:
					_ = s.PutRoleDefinition(ctx, store.RoleDefinition{ID: custom, RoleName: "custom",
						Permissions: []store.Permission{{Actions: []string{"Microsoft.Web/*"}, DataActions: []string{"*/blobs/read"}}}, AssignableScopes: []string{"/"}})
				case 1:
					_ = s.DeleteRoleDefinition(ctx, custom)
				default:
					p := principals[rng.IntN(len(principals))]
					_ = s.DeletePrincipal(ctx, p)
					f.principal(p) // back, with no edges, for later rounds
				}
			}
		}
		if err := x.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		fresh := f.index()
		for _, p := range principals {
			if a, b := x.Memberships(p), fresh.Memberships(p); !sameSet(a, b) {
				t.Fatalf("round %d: memberships of %s: synced %v, loaded %v", round, p, a, b)
			}
			for _, sc := range scopes {
				key, _ := scope.KeyOf(sc)
				for _, a := range actions {
					if got, want := x.check(p, a.a, key, a.data), fresh.check(p, a.a, key, a.data); got != want {
						t.Fatalf("round %d: %s %s at %s: synced %v, loaded %v", round, p, a.a, sc, got, want)
					}
				}
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestConcurrentSync exercises checks racing with Sync under -race.
func TestConcurrentSync(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := matrixFixture(t)
	x := f.index()
	done := make(chan struct{})
	go func() {
		defer close(done)
		key, _ := scope.KeyOf(ctr)
		for ctx.Err() == nil {
			x.CheckData("bob", blobRead, key)
			x.Explain("bob", blobRead, true, ctr)
		}
	}()
	for i := range 200 {
		f.assign(fmt.Sprintf("c%d", i), "bob", "Reader", fmt.Sprintf("%s/resourceGroups/r%d", sub, i))
		f.member("eng", fmt.Sprintf("u%d", i))
		if err := x.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	<-done
}

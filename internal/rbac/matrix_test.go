package rbac

import (
	"context"
	"testing"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	sub = "/subscriptions/11111111-1111-1111-1111-111111111111"
	rg1 = sub + "/resourceGroups/rg1"
	acc = rg1 + "/providers/Microsoft.Storage/storageAccounts/acct"
	ctr = acc + "/blobServices/default/containers/c1"

	blobRead  = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
	blobWrite = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
	raWrite   = "Microsoft.Authorization/roleAssignments/write"
	sbSend    = "Microsoft.ServiceBus/namespaces/queues/send/action"
	mi        = rg1 + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
	miAssign  = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"
)

// matrixFill: alice direct; bob via nested groups (bob ∈ devs ∈ eng);
// carol is Contributor; dave in a group cycle (g1 ∈ g2 ∈ g1).
func matrixFill(f *fixture) {
	ctx := context.Background()
	err := f.s.PutRoleDefinition(ctx, store.RoleDefinition{
		ID: "c0ffee00-0000-0000-0000-000000000001", RoleName: "Blob reader but not write", RoleType: CustomRole,
		Permissions:      []store.Permission{{DataActions: []string{"Microsoft.Storage/*"}, NotDataActions: []string{"*/blobs/write"}}},
		AssignableScopes: []string{sub},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	f.assign("a1", "alice", "Storage Blob Data Reader", ctr)
	f.assign("a2", "alice", "Reader", "/")
	f.member("eng", "devs")
	f.member("devs", "bob")
	f.assign("a3", "eng", "Storage Blob Data Contributor", "/SUBSCRIPTIONS/11111111-1111-1111-1111-111111111111/resourcegroups/RG1")
	f.assign("a4", "carol", "Contributor", sub)
	f.assign("a5", "carol", "Azure Service Bus Data Sender", sub)
	f.member("g1", "g2")
	f.member("g2", "g1")
	f.member("g2", "dave")
	f.assign("a6", "g1", "Owner", rg1)
	f.assign("a7", "erin", "Blob reader but not write", acc)
	f.assign("a8", "frank", "User Access Administrator", sub+"/resourceGroups/rg10")
	f.assign("a9", "grace", "Managed Identity Operator", rg1)
}

var matrixGroups = []string{"eng", "devs", "g1", "g2"}

// matrixFixture is a store holding the matrix's assignments.
func matrixFixture(t *testing.T) *fixture {
	f := newFixture(t, matrixGroups...)
	matrixFill(f)
	return f
}

var matrix = []struct {
	who, action string
	data        bool
	scope       string
	want        bool
}{
	// inheritance root → subscription → group → resource → sub-resource
	{"alice", blobRead, true, ctr, true},
	{"alice", blobRead, true, ctr + "/blobs/x", true}, // not a scope form; prefix inherits
	{"alice", blobRead, true, acc, false},             // assigned below, not above
	{"alice", blobRead, true, acc + "/blobServices/default/containers/c2", false},
	{"alice", blobWrite, true, ctr, false},
	{"alice", "Microsoft.Web/sites/read", false, sub, true}, // Reader at root
	{"alice", "microsoft.web/SITES/READ", false, "/", true}, // case-insensitive
	{"alice", "Microsoft.Web/sites/write", false, sub, false},
	// nested groups
	{"bob", blobWrite, true, ctr, true},
	{"bob", blobWrite, true, rg1, true},
	{"bob", blobWrite, true, sub, false},
	{"bob", blobWrite, true, sub + "/resourceGroups/rg10", false}, // sibling prefix
	{"devs", blobRead, true, ctr, true},
	{"eve", blobRead, true, ctr, false},
	// control roles grant no data; Contributor's NotActions
	{"carol", blobRead, true, ctr, false},
	{"carol", "Microsoft.Storage/storageAccounts/write", false, ctr, true},
	{"carol", raWrite, false, rg1, false},
	{"carol", "Microsoft.Authorization/roleAssignments/read", false, rg1, true},
	{"carol", "Microsoft.Authorization/elevateAccess/action", false, sub, false},
	// Service Bus wildcard in the middle
	{"carol", sbSend, true, sub, true},
	{"carol", "Microsoft.ServiceBus/namespaces/queues/receive/action", true, sub, false},
	{"carol", "Microsoft.ServiceBus/namespaces/queues/read", false, sub, true},
	// group cycle terminates; Owner grants control, not data
	{"dave", raWrite, false, ctr, true},
	{"dave", blobRead, true, ctr, false},
	{"dave", raWrite, false, sub, false},
	// custom role NotDataActions
	{"erin", blobRead, true, ctr, true},
	{"erin", blobWrite, true, ctr, false},
	{"erin", "Microsoft.Storage/storageAccounts/queueServices/queues/messages/read", true, acc, true},
	// sibling-prefix scope: rg10 assignment does not reach rg1
	{"frank", raWrite, false, sub + "/resourceGroups/rg10", true},
	{"frank", raWrite, false, rg1, false},
	{"frank", raWrite, false, sub + "/resourceGroups/rg100", false},
	// Managed Identity Operator: "/*/" also matches no segment, so it may
	// attach (assign/action) and read an identity, but not change it.
	{"grace", miAssign, false, mi, true},
	{"grace", "Microsoft.ManagedIdentity/userAssignedIdentities/read", false, mi, true},
	{"grace", "Microsoft.ManagedIdentity/userAssignedIdentities/write", false, mi, false},
	{"grace", "Microsoft.ManagedIdentity/userAssignedIdentities/delete", false, mi, false},
	{"grace", miAssign, false, sub, false},
	{"carol", miAssign, false, mi, true},  // Contributor: "*"
	{"alice", miAssign, false, mi, false}, // Reader: "*/read" only
}

func TestMatrix(t *testing.T) {
	runMatrix(t, matrixFixture(t).index())
}

// TestMatrixIncremental builds the same state through Sync alone.
func TestMatrixIncremental(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, matrixGroups...)
	x := f.index()
	matrixFill(f)
	if err := x.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if rev, err := f.s.LatestRevision(ctx); err != nil || x.Revision() != rev || rev == 0 {
		t.Fatalf("revision %d, store at %d (%v)", x.Revision(), rev, err)
	}
	runMatrix(t, x)
}

func runMatrix(t *testing.T, x *Index) {
	t.Helper()
	for _, c := range matrix {
		key, err := scope.KeyOf(c.scope)
		if err != nil {
			key = c.scope // deliberately non-scope keys use the raw lower form
		}
		var got bool
		if c.data {
			got = x.CheckData(c.who, c.action, key)
		} else {
			got = x.Check(c.who, c.action, key)
		}
		if got != c.want {
			t.Errorf("%s %s (data=%v) at %s = %v, want %v\n%s", c.who, c.action, c.data, c.scope, got, c.want,
				x.Explain(c.who, c.action, c.data, c.scope).Reason)
		}
		// Explain must agree with Check.
		if e := x.Explain(c.who, c.action, c.data, c.scope); err == nil && e.Allowed != c.want {
			t.Errorf("Explain(%s, %s, %s).Allowed = %v, want %v", c.who, c.action, c.scope, e.Allowed, c.want)
		}
	}
}

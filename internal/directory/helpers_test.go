package directory

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/rbac/rbactest"
	"github.com/lanyardhq/lanyard/internal/store"
)

// cheapParams keep store-backed tests fast; password_test.go covers the
// real parameters.
var cheapParams = argonParams{memory: 64, time: 1, threads: 1, keyLen: 32}

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	st    store.Store
	index *rbac.Index
	svc   *Service
	clock *clock
}

// newEnv returns a service over a fresh embedded store, with the real RBAC
// index as authorizer and syncer.
func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	st, index := rbactest.New(t, clk.Now)
	svc := New(st, index, index, clk.Now)
	svc.pw = newPasswordHasher(cheapParams)
	return &env{st: st, index: index, svc: svc, clock: clk}
}

func (e *env) user(t *testing.T, name string) store.Principal {
	t.Helper()
	p, err := e.svc.CreateUser(context.Background(), name, name, "password-"+name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) group(t *testing.T, name string) store.Principal {
	t.Helper()
	p, err := e.svc.CreateGroup(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// assign gives principalID a role at "/" directly in the store, then syncs.
func (e *env) assign(t *testing.T, principalID, roleID string) {
	t.Helper()
	ctx := context.Background()
	a := store.RoleAssignment{Name: newID(), Scope: "/", RoleDefinitionID: roleID, PrincipalID: principalID,
		PrincipalType: "User", CreatedAt: e.clock.Now()}
	if err := e.st.CreateAssignment(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.index.Sync(ctx); err != nil {
		t.Fatal(err)
	}
}

// managedIdentity creates a managed identity as package resources would.
func (e *env) managedIdentity(t *testing.T, typ, resourceID string) store.Principal {
	t.Helper()
	p := store.Principal{ID: newID(), Kind: store.KindManagedIdentity, DisplayName: "mi", ClientID: newID(),
		IdentityType: typ, ResourceID: resourceID, CreatedAt: e.clock.Now()}
	if err := e.st.CreatePrincipal(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

package agent

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// testFabric is a small in-memory fabric.Fabric: apps and VMs with their
// identities, minting distinct tokens and recording every call.
type testFabric struct {
	now      func() time.Time
	lifetime time.Duration

	mu     sync.Mutex
	apps   []fabric.App
	idents map[string][]testIdentity // resource ID → identities
	calls  []fabric.TokenRequest
	minted int
	gate   chan struct{} // when set, Token waits for it
	err    error         // when set, Token fails with it
}

type testIdentity struct {
	system                      bool
	clientID, objectID, miResID string
}

const (
	testVM   = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
	testApp  = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/web1"
	testUAI  = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai1"
	sysCID   = "11111111-1111-1111-1111-111111111111"
	uaiCID   = "22222222-2222-2222-2222-222222222222"
	uaiOID   = "33333333-3333-3333-3333-333333333333"
	vmSysCID = "44444444-4444-4444-4444-444444444444"
)

func newTestFabric(now func() time.Time) *testFabric {
	uai := testIdentity{clientID: uaiCID, objectID: uaiOID, miResID: testUAI}
	return &testFabric{
		now:      now,
		lifetime: 24 * time.Hour,
		apps:     []fabric.App{{ID: testApp, Name: "web1", Settings: map[string]string{"Managed_Identity_Client_ID": uaiCID}}},
		idents: map[string][]testIdentity{
			testApp: {{system: true, clientID: sysCID, objectID: "sys-oid"}, uai},
			testVM:  {{system: true, clientID: vmSysCID, objectID: "vm-oid"}, uai},
		},
	}
}

func (f *testFabric) Token(ctx context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	f.mu.Lock()
	f.calls = append(f.calls, req)
	gate, err := f.gate, f.err
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return fabric.Token{}, ctx.Err()
		}
	}
	if err != nil {
		return fabric.Token{}, err
	}
	if !strings.Contains(req.Audience, "://") {
		return fabric.Token{}, fabric.Errorf(fabric.CodeInvalidResource, "resource %q is not a URI", req.Audience)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ids, ok := f.idents[req.Resource]
	if !ok {
		return fabric.Token{}, fabric.Errorf(fabric.CodeResourceNotFound, "resource not found")
	}
	for _, id := range ids {
		match := false
		switch {
		case req.ClientID != "":
			match = strings.EqualFold(id.clientID, req.ClientID)
		case req.ObjectID != "":
			match = strings.EqualFold(id.objectID, req.ObjectID)
		case req.MIResourceID != "":
			match = strings.EqualFold(id.miResID, req.MIResourceID)
		default:
			match = id.system
		}
		if match {
			f.minted++
			now := f.now()
			return fabric.Token{
				AccessToken: fmt.Sprintf("tok-%d-%s-%s", f.minted, id.clientID, req.Audience),
				NotBefore:   now, ExpiresOn: now.Add(f.lifetime),
				Audience: req.Audience, ClientID: id.clientID, PrincipalID: id.objectID, MIResourceID: id.miResID,
			}, nil
		}
	}
	return fabric.Token{}, fabric.Errorf(fabric.CodeIdentityNotFound, "identity not found")
}

func (f *testFabric) App(ctx context.Context, nameOrID string) (fabric.App, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.apps {
		if strings.EqualFold(a.ID, nameOrID) || a.Name == nameOrID {
			return a, nil
		}
	}
	return fabric.App{}, fabric.Errorf(fabric.CodeResourceNotFound, "app %q not found on this host", nameOrID)
}

func (f *testFabric) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *testFabric) setGate(g chan struct{}) { f.mu.Lock(); f.gate = g; f.mu.Unlock() }
func (f *testFabric) setErr(err error)        { f.mu.Lock(); f.err = err; f.mu.Unlock() }

// clock is a fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type testEnv struct {
	agent  *Agent
	fab    *testFabric
	clock  *clock
	header string // an open session's IDENTITY_HEADER for testApp
	client *http.Client
}

// startAgent runs an agent with IMDS on a loopback port and one session
// open for testApp; mod adjusts the config.
func startAgent(t testing.TB, mod func(*Config)) *testEnv {
	t.Helper()
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	fab := newTestFabric(clk.Now)
	cfg := Config{Fabric: fab, HostID: "test", HostResource: testVM, IMDSAddr: "127.0.0.1:0", Now: clk.Now, RateLimit: -1, MaxConcurrent: -1,
		Logger: slog.New(slog.DiscardHandler)}
	if mod != nil {
		mod(&cfg)
	}
	cfg.Fabric = fab
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	info, _, err := a.OpenSession(context.Background(), "web1")
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{agent: a, fab: fab, clock: clk, header: info.IdentityHeader, client: &http.Client{Timeout: 10 * time.Second}}
}

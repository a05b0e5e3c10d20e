package credential_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/credential"
)

// fakeClock is the credential's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestCacheAgainstAgent uses the real agent's 24-hour managed-identity
// tokens: 50 goroutines asking at once cause one token request, later
// calls are served from the cache until 5 minutes before expiry, and the
// next call after that fetches a new token. Scopes are cached separately.
func TestCacheAgainstAgent(t *testing.T) {
	cleanEnv(t)
	s := startServer(t)
	s.run(t, "group", "create", "-n", "mi")
	s.run(t, "app", "create", "-g", "mi", "-n", "web")
	s.run(t, "app", "identity", "assign", "-g", "mi", "-n", "web", "--system-assigned")
	s.session(t, "web")
	count := &counting{next: http.DefaultClient}
	clock := &fakeClock{t: time.Now()}
	d, err := credential.NewDefaultCredential(&credential.Options{Transport: count, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	const callers = 50
	tokens := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			tok, err := d.GetToken(ctx, scope("api://cache"))
			tokens[i], errs[i] = tok.Token, err
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || tokens[i] == "" || tokens[i] != tokens[0] {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
	}
	if n := count.n.Load(); n != 1 {
		t.Fatalf("%d concurrent callers sent %d token requests, want 1", callers, n)
	}
	first, err := d.GetToken(ctx, scope("api://cache"))
	if err != nil {
		t.Fatal(err)
	}
	if lifetime := first.ExpiresOn.Sub(clock.Now()); lifetime < 23*time.Hour {
		t.Fatalf("agent token lifetime %v", lifetime)
	}

	steps := []struct {
		name      string
		at        time.Time
		scope     string
		wantCount int64
		wantSame  bool
	}{
		{"another scope is its own entry", clock.Now(), "api://cache-other", 2, false},
		{"6 minutes before expiry: cached", first.ExpiresOn.Add(-6 * time.Minute), "api://cache", 2, true},
	}
	for _, st := range steps {
		clock.Set(st.at)
		tok, err := d.GetToken(ctx, scope(st.scope))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if n := count.n.Load(); n != st.wantCount {
			t.Fatalf("%s: %d requests in all, want %d", st.name, n, st.wantCount)
		}
		if (tok.Token == first.Token) != st.wantSame {
			t.Fatalf("%s: same token = %v, want %v", st.name, tok.Token == first.Token, st.wantSame)
		}
	}
	// 4 minutes before expiry the token is still good, so the caller gets it
	// at once while one refresh runs in the background; then the new one.
	clock.Set(first.ExpiresOn.Add(-4 * time.Minute))
	if tok, err := d.GetToken(ctx, scope("api://cache")); err != nil || tok.Token != first.Token {
		t.Fatalf("during the refresh: %v", err)
	}
	waitFor(t, func() bool { return count.n.Load() == 3 })
	// The agent may hand back its own cached token, so count requests
	// rather than compare tokens: the refreshed entry is served from cache.
	for range 5 {
		if _, err := d.GetToken(ctx, scope("api://cache")); err != nil {
			t.Fatal(err)
		}
	}
	if n := count.n.Load(); n != 3 {
		t.Fatalf("%d requests in all after the refresh, want 3", n)
	}
	// Past expiry with no cached token a caller waits for the request.
	clock.Set(first.ExpiresOn.Add(time.Hour))
	if tok, err := d.GetToken(ctx, scope("api://cache-other")); err != nil || count.n.Load() != 4 || tok.Token == "" {
		t.Fatalf("after expiry: %v, %d requests", err, count.n.Load())
	}
}

// TestRefreshIn: a token with refresh_in is replaced at that time, not 5
// minutes before expiry; the refresh happens once while concurrent callers
// keep the still-valid old token, and a failed refresh keeps serving it.
// The server is an App Service endpoint standing in for one that sends
// refresh_in (Lanyard's agent does not).
func TestRefreshIn(t *testing.T) {
	cleanEnv(t)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	var requests atomic.Int64
	var failing atomic.Bool
	release := make(chan struct{})
	var hold atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if r.Header.Get("X-Identity-Header") != "h" || r.URL.Query().Get("api-version") != "2019-08-01" || r.URL.Query().Get("resource") != "api://r" {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		if hold.Load() {
			<-release
		}
		if failing.Load() {
			http.Error(w, `{"error":"temporarily_unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		exp := clock.Now().Add(time.Hour).Unix()
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_on":"%d","refresh_in":600,"token_type":"Bearer"}`, n, exp)
	}))
	defer srv.Close()
	t.Setenv("IDENTITY_ENDPOINT", srv.URL+"/msi/token")
	t.Setenv("IDENTITY_HEADER", "h")
	cred, err := credential.NewManagedIdentityCredential(&credential.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	get := func() string {
		t.Helper()
		tok, err := cred.GetToken(ctx, scope("api://r"))
		if err != nil {
			t.Fatal(err)
		}
		return tok.Token
	}
	t0 := clock.Now()
	if got := get(); got != "tok-1" {
		t.Fatalf("first token %q", got)
	}
	clock.Set(t0.Add(9 * time.Minute))
	if got := get(); got != "tok-1" || requests.Load() != 1 {
		t.Fatalf("before refresh_in: %q after %d requests", got, requests.Load())
	}

	// Past refresh_in: one background refresh; callers meanwhile get tok-1.
	clock.Set(t0.Add(11 * time.Minute))
	hold.Store(true)
	for range 20 {
		if got := get(); got != "tok-1" {
			t.Fatalf("during the refresh got %q, want the old token", got)
		}
	}
	close(release)
	hold.Store(false)
	waitFor(t, func() bool { return get() == "tok-2" })
	if n := requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2 (one refresh)", n)
	}

	// A failing refresh keeps the old token while it is valid, and is not
	// retried on every call.
	failing.Store(true)
	t1 := clock.Now()
	clock.Set(t1.Add(11 * time.Minute))
	for range 10 {
		if got := get(); got != "tok-2" {
			t.Fatalf("with a failing server got %q, want tok-2", got)
		}
	}
	waitFor(t, func() bool { return requests.Load() == 3 })
	for range 10 {
		get()
	}
	if n := requests.Load(); n != 3 {
		t.Fatalf("a failed refresh was retried at once: %d requests", n)
	}
	// Once the old token has expired, the failure reaches the caller.
	clock.Set(t1.Add(2 * time.Hour))
	if _, err := cred.GetToken(ctx, scope("api://r")); err == nil || credential.IsUnavailable(err) {
		t.Fatalf("expired token and failing server: err = %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

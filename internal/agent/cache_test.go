package agent

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

func (e *testEnv) appService(t *testing.T, query string) (int, map[string]string, http.Header) {
	t.Helper()
	return e.do(t, "GET", e.agent.IdentityEndpoint()+"?api-version=2019-08-01&"+query, map[string]string{"X-IDENTITY-HEADER": e.header})
}

func (e *testEnv) imds(t *testing.T, query string) (int, map[string]string, http.Header) {
	t.Helper()
	return e.do(t, "GET", "http://"+e.agent.IMDSAddr()+imdsPath+"?api-version=2018-02-01&"+query, map[string]string{"Metadata": "true"})
}

func TestCacheFreshness(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.MaxStale = 5 * time.Minute })
	_, first, _ := env.appService(t, "resource=https://c.example")
	steps := []struct {
		advance time.Duration
		query   string
		calls   int
		same    bool // same token as first
	}{
		{0, "resource=https://c.example", 1, true},
		{0, "resource=https://c.example/.default", 1, true},                    // same audience once stripped
		{0, "resource=https://c.example/", 2, false},                           // a different aud string: its own token
		{0, "resource=https://c.example&client_id=" + uaiCID, 3, false},        // another identity
		{0, "resource=https://c.example&client_id=" + upper(uaiCID), 3, false}, // IDs compare case-insensitively
		{4 * time.Minute, "resource=https://c.example", 3, true},
		{time.Minute, "resource=https://c.example", 4, false}, // MaxStale reached
	}
	for i, s := range steps {
		env.clock.Advance(s.advance)
		st, body, _ := env.appService(t, s.query)
		if st != 200 {
			t.Fatalf("step %d: %d %v", i, st, body)
		}
		if got := env.fab.callCount(); got != s.calls {
			t.Errorf("step %d: %d fabric calls, want %d", i, got, s.calls)
		}
		if (body["access_token"] == first["access_token"]) != s.same {
			t.Errorf("step %d: token reuse = %v, want %v", i, !s.same, s.same)
		}
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestCacheHalfLifetime(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.MaxStale = 100 * time.Hour })
	env.fab.lifetime = 2 * time.Hour
	env.imds(t, "resource=https://h.example")
	env.clock.Advance(59 * time.Minute)
	_, body, _ := env.imds(t, "resource=https://h.example")
	if env.fab.callCount() != 1 || body["expires_in"] != "3660" || body["ext_expires_in"] != "3660" {
		t.Fatalf("calls %d, expires_in %q: want a hit with 61 min left", env.fab.callCount(), body["expires_in"])
	}
	env.clock.Advance(time.Minute) // half the lifetime left
	if _, body, _ = env.imds(t, "resource=https://h.example"); env.fab.callCount() != 2 || body["expires_in"] != "7200" {
		t.Fatalf("calls %d, expires_in %q: want a refetch", env.fab.callCount(), body["expires_in"])
	}
}

func TestSingleFlight(t *testing.T) {
	env := startAgent(t, nil)
	gate := make(chan struct{})
	env.fab.setGate(gate)
	const n = 20
	var wg sync.WaitGroup
	tokens := make([]string, n)
	for i := range n {
		wg.Go(func() {
			_, body, _ := env.appService(t, "resource=https://sf.example")
			tokens[i] = body["access_token"]
		})
	}
	for env.fab.callCount() == 0 {
		time.Sleep(time.Millisecond) // wait for the leader to reach the fabric
	}
	time.Sleep(50 * time.Millisecond) // let the others queue behind it
	close(gate)
	wg.Wait()
	if got := env.fab.callCount(); got != 1 {
		t.Errorf("%d fetches for one key, want 1", got)
	}
	for i, tok := range tokens {
		if tok == "" || tok != tokens[0] {
			t.Fatalf("request %d got %q, want %q", i, tok, tokens[0])
		}
	}
}

func TestRateLimit(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.RateLimit, c.Burst, c.MaxConcurrent = 0.5, 1, 5 })
	if st, _, _ := env.appService(t, "resource=https://r1.example"); st != 200 {
		t.Fatalf("first miss: %d", st)
	}
	st, body, hdr := env.appService(t, "resource=https://r2.example")
	if st != 429 || hdr.Get("Retry-After") != "2" || body["statusCode"] != "429" || body["access_token"] != "" {
		t.Fatalf("second miss: %d Retry-After %q %v", st, hdr.Get("Retry-After"), body)
	}
	st, body, hdr = env.imds(t, "resource=https://r3.example")
	if st != 429 || hdr.Get("Retry-After") == "" || body["error"] != "too_many_requests" {
		t.Fatalf("IMDS miss: %d Retry-After %q %v", st, hdr.Get("Retry-After"), body)
	}
	for range 50 { // hits are not limited
		if st, _, _ := env.appService(t, "resource=https://r1.example"); st != 200 {
			t.Fatalf("hit limited: %d", st)
		}
	}
	env.clock.Advance(2 * time.Second)
	if st, _, _ := env.appService(t, "resource=https://r2.example"); st != 200 {
		t.Fatalf("after refill: %d", st)
	}
	if got := env.fab.callCount(); got != 2 {
		t.Errorf("%d fetches, want 2", got)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.RateLimit, c.MaxConcurrent = -1, 1 })
	gate := make(chan struct{})
	env.fab.setGate(gate)
	done := make(chan int)
	go func() { st, _, _ := env.appService(t, "resource=https://slow.example"); done <- st }()
	for env.fab.callCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	st, _, hdr := env.imds(t, "resource=https://other.example")
	if st != 429 || hdr.Get("Retry-After") != "1" {
		t.Errorf("second concurrent fetch: %d Retry-After %q", st, hdr.Get("Retry-After"))
	}
	close(gate)
	if st := <-done; st != 200 {
		t.Errorf("first fetch: %d", st)
	}
}

func TestServerFailure(t *testing.T) {
	env := startAgent(t, nil)
	tests := []struct {
		err               error
		appStatus, imdsSt int
		imdsCode          string
	}{
		{errors.New("dial tcp: connection refused"), 500, 500, "unknown"},
		{fabric.Errorf(fabric.CodeUnauthorized, "certificate revoked"), 403, 403, "host_not_enrolled"}, // not retried by either SDK
		{fabric.Errorf(fabric.CodeServerError, "db down"), 500, 500, "unknown"},
		{fabric.Errorf(fabric.CodeResourceNotFound, "app deleted"), 400, 400, "invalid_request"},
		{fabric.Errorf(fabric.CodeInvalidRequest, "bad id"), 400, 400, "invalid_request"},
	}
	for i, tc := range tests {
		env.fab.setErr(tc.err)
		res := "resource=https://fail" + string(rune('a'+i)) + ".example"
		st, body, _ := env.appService(t, res)
		if st != tc.appStatus || body["access_token"] != "" {
			t.Errorf("%v: App Service %d %v", tc.err, st, body)
		}
		if st == 500 && body["message"] != "failed to obtain a token from the Lanyard server" {
			t.Errorf("%v: cause leaked to the client: %v", tc.err, body)
		}
		st, body, _ = env.imds(t, res)
		if st != tc.imdsSt || body["error"] != tc.imdsCode {
			t.Errorf("%v: IMDS %d %v", tc.err, st, body)
		}
	}
	env.fab.setErr(nil)
	if st, _, _ := env.appService(t, "resource=https://faila.example"); st != 200 {
		t.Errorf("errors were cached: %d", st)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "eyJTESTTOKEN.secret-payload.sig"
	testSub    = "11111111-1111-1111-1111-111111111111"
	testTenant = "22222222-2222-2222-2222-222222222222"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// recorded is one request the fake server saw.
type recorded struct {
	Method, Path, Query string
	Body                map[string]any
}

// fakeAPI is a real TLS server answering canned ARM/Graph responses for
// client-side logic; anything unrouted is an ARM 404.
type fakeAPI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	got    []recorded
}

func newFake(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{routes: map[string]http.HandlerFunc{}}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // untrusted-CA tests make handshakes fail on purpose
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	rec := recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	b, _ := io.ReadAll(r.Body)
	json.Unmarshal(b, &rec.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	f.mu.Lock()
	f.got = append(f.got, rec)
	key := r.Method + " " + r.URL.Path
	h := f.routes[key]
	for route, rh := range f.routes {
		if p, ok := strings.CutSuffix(route, "*"); ok && h == nil && strings.HasPrefix(key, p) {
			h = rh
		}
	}
	f.mu.Unlock()
	authFree := strings.HasPrefix(r.URL.Path, "/lanyard/v1/info") || strings.Contains(r.URL.Path, "/oauth2/")
	if !authFree && r.Header.Get("Authorization") != "Bearer "+testToken {
		writeJSON(w, 401, map[string]any{"error": map[string]string{"code": "InvalidAuthenticationToken", "message": "The access token is invalid."}})
		return
	}
	if h == nil {
		writeJSON(w, 404, map[string]any{"error": map[string]string{"code": "ResourceNotFound", "message": "not found: " + r.URL.Path}})
		return
	}
	h(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// on routes "METHOD /path" to a fixed JSON answer.
func (f *fakeAPI) on(route string, status int, body any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

// echo answers "METHOD /prefix*" requests with their own body plus an id,
// as ARM does on PUT.
func (f *fakeAPI) echo(route string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		if body == nil {
			body = map[string]any{}
		}
		body["id"] = r.URL.Path
		writeJSON(w, status, body)
	}
}

func (f *fakeAPI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.got...)
}

// last returns the last request with the method, failing when none.
func (f *fakeAPI) last(t *testing.T, method string) recorded {
	t.Helper()
	rs := f.requests()
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Method == method {
			return rs[i]
		}
	}
	t.Fatalf("no %s request; got %+v", method, rs)
	return recorded{}
}

func (f *fakeAPI) caPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw}))
}

// signIn writes a profile for the fake server, as login would.
func (f *fakeAPI) signIn(t *testing.T) {
	t.Helper()
	err := saveProfile(&Profile{
		Server: f.srv.URL, CACertPEM: f.caPEM(), TenantID: testTenant, SubscriptionID: testSub,
		User: "alice@example.com", AccessToken: testToken, ExpiresOn: testNow.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// runCLI runs one command line in-process and checks the token never leaks.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot(&app{now: func() time.Time { return testNow }})
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	err := root.ExecuteContext(context.Background())
	for _, s := range []string{out.String(), errOut.String(), errString(err)} {
		if strings.Contains(s, testToken) || strings.Contains(s, "secret-payload") {
			t.Fatalf("lanyard %v printed the access token: %q", args, s)
		}
	}
	return out.String(), err
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

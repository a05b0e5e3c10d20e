package directory

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// callerHeader names the principal a test request runs as; it stands in for
// the server's token-checking middleware.
const callerHeader = "X-Test-Principal"

type api struct {
	*env
	srv          *httptest.Server
	admin, plain store.Principal
}

func newAPI(t *testing.T) *api {
	e := newEnv(t)
	mux := http.NewServeMux()
	NewHandler(e.svc).Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(callerHeader); id != "" {
			r = r.WithContext(authn.WithCaller(r.Context(), authn.Caller{PrincipalID: id, Name: id}))
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a := &api{env: e, srv: srv, admin: e.user(t, "admin@x.io"), plain: e.user(t, "plain@x.io")}
	e.assign(t, a.admin.ID, rbac.OwnerID)
	return a
}

type resp struct {
	status int
	body   map[string]any
	raw    string
}

func (a *api) do(t *testing.T, as store.Principal, method, path, body string) resp {
	t.Helper()
	req, _ := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if as.ID != "" {
		req.Header.Set(callerHeader, as.ID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON", method, path, raw)
		}
	}
	return r
}

// expect fails unless r has status and, for errors, Graph's error code.
func (r resp) expect(t *testing.T, status int, code string) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if code != "" {
		e, _ := r.body["error"].(map[string]any)
		if e["code"] != code || e["message"] == "" {
			t.Fatalf("error %v, want code %s", r.body["error"], code)
		}
	}
	return r
}

func (r resp) values(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, v := range r.body["value"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

func TestUsersAPI(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	body := `{"displayName":"Carol","userPrincipalName":"carol@x.io","passwordProfile":{"password":"carols password"}}`

	a.do(t, store.Principal{}, "POST", "/v1.0/users", body).expect(t, 401, "InvalidAuthenticationToken")
	a.do(t, a.plain, "POST", "/v1.0/users", body).expect(t, 403, codeDenied)
	if _, err := a.svc.GetByUserName(ctx, "carol@x.io"); err == nil {
		t.Fatal("denied request created the user")
	}

	r := a.do(t, a.admin, "POST", "/v1.0/users", body).expect(t, 201, "")
	if r.body["@odata.type"] != "#microsoft.graph.user" || r.body["userPrincipalName"] != "carol@x.io" || r.body["accountEnabled"] != true {
		t.Fatalf("user body %v", r.body)
	}
	if strings.Contains(r.raw, "argon2") || strings.Contains(r.raw, "carols password") {
		t.Fatalf("response leaks the password or its hash: %s", r.raw)
	}
	id := r.body["id"].(string)
	if _, err := a.svc.AuthenticateUser(ctx, "carol@x.io", "carols password"); err != nil {
		t.Fatalf("created user cannot sign in: %v", err)
	}
	a.do(t, a.admin, "POST", "/v1.0/users", body).expect(t, 409, codeConflict)

	for name, b := range map[string]string{
		"empty":          ``,
		"not JSON":       `{"displayName":`,
		"wrong type":     `{"displayName":1}`,
		"bad UPN":        `{"displayName":"D","userPrincipalName":"dave","passwordProfile":{"password":"long enough"}}`,
		"short password": `{"displayName":"D","userPrincipalName":"d@x.io","passwordProfile":{"password":"short"}}`,
		"no password":    `{"displayName":"D","userPrincipalName":"d@x.io"}`,
	} {
		t.Run(name, func(t *testing.T) {
			a.do(t, a.admin, "POST", "/v1.0/users", b).expect(t, 400, codeBadRequest)
		})
	}
	big := `{"displayName":"` + strings.Repeat("a", 2<<20) + `"}`
	a.do(t, a.admin, "POST", "/v1.0/users", big).expect(t, 413, "")

	// Reads: any signed-in principal.
	if got := a.do(t, a.plain, "GET", "/v1.0/users/"+id, "").expect(t, 200, "").body["id"]; got != id {
		t.Fatalf("GET by id: %v", got)
	}
	if got := a.do(t, a.plain, "GET", "/v1.0/users/CAROL@x.io", "").expect(t, 200, "").body["id"]; got != id {
		t.Fatalf("GET by UPN: %v", got)
	}
	a.do(t, a.plain, "GET", "/v1.0/users/nobody@x.io", "").expect(t, 404, codeNotFound)
	a.do(t, a.plain, "GET", "/v1.0/users/"+newID(), "").expect(t, 404, codeNotFound)
	a.do(t, a.plain, "GET", "/v1.0/users/not-a-guid", "").expect(t, 400, codeBadRequest)
	g := a.group(t, "g")
	a.do(t, a.plain, "GET", "/v1.0/users/"+g.ID, "").expect(t, 404, codeNotFound)

	if n := len(a.do(t, a.plain, "GET", "/v1.0/users", "").expect(t, 200, "").values(t)); n != 3 {
		t.Fatalf("%d users listed, want 3", n)
	}
	for filter, want := range map[string]int{
		"userPrincipalName eq 'carol@x.io'":  1,
		"userPrincipalName eq 'nobody@x.io'": 0,
		"displayName eq 'carol'":             1,
		"displayName eq 'g'":                 0, // a group, not a user
	} {
		got := a.do(t, a.plain, "GET", "/v1.0/users?$filter="+queryEscape(filter), "").expect(t, 200, "").values(t)
		if len(got) != want {
			t.Errorf("$filter=%s: %d results, want %d", filter, len(got), want)
		}
	}
	for _, f := range []string{"appId eq 'x'", "startswith(displayName,'c')", "displayName eq 'a' or displayName eq 'b'"} {
		a.do(t, a.plain, "GET", "/v1.0/users?$filter="+queryEscape(f), "").expect(t, 400, codeBadRequest)
	}

	me := a.do(t, a.plain, "GET", "/v1.0/me", "").expect(t, 200, "")
	if me.body["userPrincipalName"] != "plain@x.io" {
		t.Fatalf("/me = %v", me.body)
	}
	if a.do(t, a.plain, "GET", "/v1.0/directoryObjects/"+g.ID, "").expect(t, 200, "").body["@odata.type"] != "#microsoft.graph.group" {
		t.Fatal("directoryObjects did not return the group")
	}

	a.do(t, a.plain, "DELETE", "/v1.0/users/"+id, "").expect(t, 403, codeDenied)
	a.do(t, a.admin, "DELETE", "/v1.0/users/"+g.ID, "").expect(t, 404, codeNotFound)
	a.do(t, a.admin, "DELETE", "/v1.0/users/"+id, "").expect(t, 204, "")
	a.do(t, a.admin, "GET", "/v1.0/users/"+id, "").expect(t, 404, codeNotFound)
	a.do(t, a.admin, "DELETE", "/v1.0/users/"+id, "").expect(t, 404, codeNotFound)
}

func queryEscape(s string) string {
	return strings.NewReplacer(" ", "%20", "'", "%27", "@", "%40").Replace(s)
}

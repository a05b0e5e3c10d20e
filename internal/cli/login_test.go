package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func serveLogin(f *fakeAPI, t *testing.T, tokenStatus int, tokenBody any) {
	f.on("GET /lanyard/v1/info", 200, map[string]string{
		"tenantId": testTenant, "defaultSubscriptionId": testSub, "issuer": "x",
		"managementAudience": "https://management.azure.com/", "cliClientId": "cli-client",
	})
	f.routes["POST /organizations/oauth2/v2.0/token"] = func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		want := map[string]string{"grant_type": "password", "client_id": "cli-client", "username": "alice@example.com",
			"password": "pw-from-file"}
		for k, v := range want {
			if got := r.PostForm.Get(k); got != v {
				t.Errorf("token form %s = %q, want %q", k, got, v)
			}
		}
		// Login asks for the management token, then one per data plane.
		switch sc := r.PostForm.Get("scope"); sc {
		case "https://management.azure.com//.default", "https://storage.azure.com/.default", "https://vault.azure.net/.default":
		default:
			t.Errorf("token form scope = %q", sc)
		}
		writeJSON(w, tokenStatus, tokenBody)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoginWritesPrivateProfile(t *testing.T) {
	f := newFake(t)
	serveLogin(f, t, 200, map[string]any{"access_token": testToken, "token_type": "Bearer", "expires_in": 3599})
	ca := writeFile(t, "ca.crt", f.caPEM())
	pw := writeFile(t, "pw", "pw-from-file\n")
	out, err := runCLI(t, "", "login", "--server", f.srv.URL, "--ca-file", ca, "-u", "alice@example.com", "--password-file", pw)
	if err != nil {
		t.Fatal(err)
	}
	var accts []account
	if err := json.Unmarshal([]byte(out), &accts); err != nil || len(accts) != 1 {
		t.Fatalf("login output %q: %v", out, err)
	}
	if a := accts[0]; a.TenantID != testTenant || a.ID != testSub || a.User.Name != "alice@example.com" {
		t.Errorf("account = %+v", a)
	}
	p, _ := profilePath()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("profile mode %v, want 0600", st.Mode().Perm())
	}
	dst, _ := os.Stat(filepath.Dir(p))
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("profile dir mode %v, want 0700", dst.Mode().Perm())
	}
	prof, err := loadProfile()
	if err != nil {
		t.Fatal(err)
	}
	if prof.AccessToken != testToken || !prof.ExpiresOn.Equal(testNow.Add(3599*time.Second)) || prof.CACertPEM == "" {
		t.Errorf("profile = server %s expires %s ca %d bytes", prof.Server, prof.ExpiresOn, len(prof.CACertPEM))
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("config dir holds %d files, want only profile.json (temp file left behind?)", len(entries))
	}

	// The stored profile now drives a client command, and logout removes it.
	f.on("GET /subscriptions/"+testSub+"/resourcegroups", 200, map[string]any{"value": []any{}})
	if _, err := runCLI(t, "", "group", "list"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "", "logout"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("profile still there after logout: %v", err)
	}
	if _, err := runCLI(t, "", "group", "list"); err == nil || !strings.Contains(err.Error(), "lanyard login") {
		t.Errorf("after logout: %v", err)
	}
}

func TestLoginErrors(t *testing.T) {
	f := newFake(t)
	serveLogin(f, t, 400, map[string]any{"error": "invalid_grant", "error_description": "AADSTS50126: Error validating credentials due to invalid username or password."})
	ca := writeFile(t, "ca.crt", f.caPEM())
	t.Setenv("LANYARD_PASSWORD", "pw-from-file")
	_, err := runCLI(t, "", "login", "--server", f.srv.URL, "--ca-file", ca, "-u", "alice@example.com")
	if err == nil || !strings.Contains(err.Error(), "AADSTS50126") || strings.Contains(err.Error(), "pw-from-file") {
		t.Errorf("bad password: %v", err)
	}
	if _, err := loadProfile(); err != errNotSignedIn {
		t.Errorf("a failed login wrote a profile: %v", err)
	}

	// Without the CA the TLS failure is explained. Run where no default CA file exists.
	t.Chdir(t.TempDir())
	_, err = runCLI(t, "", "login", "--server", f.srv.URL, "-u", "alice@example.com")
	if err == nil || !strings.Contains(err.Error(), "not trusted: pass --ca-file") {
		t.Errorf("untrusted server: %v", err)
	}
	for _, bad := range []string{"http://127.0.0.1:1", "https://u:p@h", "https://h/path"} {
		if _, err := runCLI(t, "", "login", "--server", bad, "-u", "a"); err == nil {
			t.Errorf("--server %s accepted", bad)
		}
	}
}

func TestPasswordFromStdin(t *testing.T) {
	f := newFake(t)
	serveLogin(f, t, 200, map[string]any{"access_token": testToken, "token_type": "Bearer", "expires_in": "3600"})
	ca := writeFile(t, "ca.crt", f.caPEM())
	// Not a terminal: user name and password are read as lines.
	if _, err := runCLI(t, "alice@example.com\npw-from-file\n", "login", "--server", f.srv.URL, "--ca-file", ca); err != nil {
		t.Fatal(err)
	}
}

func TestExpiredAndUnauthorized(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	prof, _ := loadProfile()
	prof.ExpiresOn = testNow.Add(-time.Second)
	saveProfile(prof)
	for _, args := range [][]string{{"group", "list"}, {"account", "show"}} {
		if _, err := runCLI(t, "", args...); err == nil || err.Error() != "your sign-in has expired; run 'lanyard login'" {
			t.Errorf("%v: %v", args, err)
		}
	}
	if len(f.requests()) != 0 {
		t.Errorf("an expired token was sent: %+v", f.requests())
	}
	// A token the server rejects is reported with the server's reason.
	prof.ExpiresOn, prof.AccessToken = testNow.Add(time.Hour), "not-the-token"
	saveProfile(prof)
	_, err := runCLI(t, "", "group", "list")
	if err == nil || !strings.Contains(err.Error(), "(InvalidAuthenticationToken)") || !strings.Contains(err.Error(), "lanyard login") {
		t.Errorf("401: %v", err)
	}
}

func TestAccountShowHidesToken(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	for _, format := range []string{"json", "table", "tsv"} {
		out, err := runCLI(t, "", "-o", format, "account", "show") // runCLI fails on any token in the output
		if err != nil || !strings.Contains(out, testSub) || !strings.Contains(out, "alice@example.com") {
			t.Errorf("-o %s: %q, %v", format, out, err)
		}
	}
}

package server_test

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/server"
)

// jsInstall is what makes the JavaScript SDK peer available (CI runs it).
const jsInstall = "npm ci --prefix compat/js"

// jsPeer returns the absolute path of compat/js if node and the pinned
// @azure packages are installed. Otherwise it skips the test, or fails it
// when LANYARD_REQUIRE_SDK_PEERS=1 (CI), so a broken install cannot pass
// as a skip.
func jsPeer(t *testing.T) (node, dir string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "compat", "js"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if node, err = exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else {
		for _, pkg := range []string{"identity", "storage-blob", "keyvault-secrets"} {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", "@azure", pkg, "package.json")); err != nil {
				missing = "@azure/" + pkg + " is not installed"
				break
			}
		}
	}
	if missing == "" {
		return node, dir
	}
	if os.Getenv("LANYARD_REQUIRE_SDK_PEERS") == "1" {
		t.Fatalf("JavaScript SDK peer required: %s; run %q", missing, jsInstall)
	}
	t.Skipf("JavaScript SDK peer: %s; run %q", missing, jsInstall)
	return "", ""
}

// runJS runs cmd (a compat/js script, directly or under `lanyard run`)
// trusting Lanyard's CA through NODE_EXTRA_CA_CERTS, and decodes its one
// JSON line into out. A line holding any of secrets fails the test.
func runJS(t *testing.T, cmd *exec.Cmd, caFile string, env []string, out any, secrets ...string) {
	t.Helper()
	cmd.Env = append(os.Environ(), append(env, "NODE_EXTRA_CA_CERTS="+caFile, "NODE_NO_WARNINGS=1")...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	for _, s := range secrets {
		if strings.Contains(stdout.String()+stderr.String(), s) {
			t.Fatalf("the script printed a secret")
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("script printed %q: %v\n%s", stdout.String(), err, stderr.String())
	}
}

// jsToken is what the scripts report about a token: its claims, never the
// token itself.
type jsToken struct {
	Aud, Oid, Tid, Appid string
	Mirid                string `json:"xms_mirid"`
	ExpiresInSeconds     int
}

// jsError is how an expected failure surfaced in JavaScript.
type jsError struct {
	OK                  bool
	Name, Code, Message string
	StatusCode          int
}

func (e jsError) want(t *testing.T, what, name, code string, status int) {
	t.Helper()
	if e.OK || e.Name != name || e.Code != code || e.StatusCode != status {
		t.Errorf("%s surfaced as %+v, want %s code %q status %d", what, e, name, code, status)
	}
}

func (tok jsToken) want(t *testing.T, what, aud, tid, oid, mirid string) {
	t.Helper()
	if tok.Aud != aud || tok.Tid != tid || tok.Oid != oid || !strings.EqualFold(tok.Mirid, mirid) {
		t.Errorf("%s token: %+v, want aud %s oid %s xms_mirid %s", what, tok, aud, oid, mirid)
	}
	// The SDK's expiry comes from the response's expires_on: 24h for
	// managed identities, less the seconds the script took.
	if mirid != "" && (tok.ExpiresInSeconds < 24*3600-120 || tok.ExpiresInSeconds > 24*3600) {
		t.Errorf("%s token expires in %ds, want about 24h", what, tok.ExpiresInSeconds)
	}
}

// TestJavaScriptSDKManagedIdentity runs compat/js/mi.mjs as the seed's web1
// under `lanyard run`: @azure/identity's ManagedIdentityCredential and
// DefaultAzureCredential (which use MSAL Node's App Service source:
// api-version 2019-08-01, X-IDENTITY-HEADER) with and without a client ID,
// then @azure/storage-blob and @azure/keyvault-secrets path-style.
// web1's system-assigned identity has no data role: its requests are the
// 403s as JavaScript sees them.
func TestJavaScriptSDKManagedIdentity(t *testing.T) {
	node, dir := jsPeer(t)
	s := newSeed(t)
	sharedOID, sharedID := str(s.shared, "properties", "principalId"), s.id("Microsoft.ManagedIdentity/userAssignedIdentities", "shared")
	webID, tid := s.id("Microsoft.Web/sites", "web1"), s.s.srv.TenantID()

	var rep struct {
		Tokens map[string]jsToken
		Blob   struct {
			Read   string
			Listed []struct {
				Name string
				Size int
			}
			Containers                         []string
			DeniedRead, DeniedWrite            jsError
			ExistsAfterDelete, ContainerExists bool
		}
		Secret struct {
			Name, Version, VaultURL, ID string
			Length                      int
		}
		SecretViaDAC struct {
			Name   string
			Length int
		}
		VaultForbidden jsError
	}
	cmd := exec.Command(os.Args[0], "run", "--socket", filepath.Join(s.dataDir, server.AgentSocket), "--app", "web1", "--", node, filepath.Join(dir, "mi.mjs"))
	runJS(t, cmd, s.s.caFile, []string{execEnv + "=cli", "MI_RESOURCE_ID=" + sharedID, "MI_OBJECT_ID=" + sharedOID}, &rep, s.secretValue)

	for name, want := range map[string]struct{ aud, oid, mirid string }{
		"userStorage":   {"https://storage.azure.com", sharedOID, sharedID},
		"userVault":     {"https://vault.azure.net", sharedOID, sharedID},
		"systemStorage": {"https://storage.azure.com", s.web1SystemOID, webID},
		"dacSystem":     {"https://storage.azure.com", s.web1SystemOID, webID},
		"dacUser":       {"https://storage.azure.com", sharedOID, sharedID},
		"byResourceId":  {"https://vault.azure.net", sharedOID, sharedID},
		"byObjectId":    {"https://vault.azure.net", sharedOID, sharedID},
	} {
		rep.Tokens[name].want(t, name, want.aud, tid, want.oid, want.mirid)
	}

	b := rep.Blob
	if b.Read != "written by web1 from JavaScript" || len(b.Listed) != 1 || b.Listed[0].Name != "dir/hello js.txt" || b.Listed[0].Size != len(b.Read) {
		t.Errorf("blob round trip: read %q, listed %+v", b.Read, b.Listed)
	}
	if len(b.Containers) != 1 || b.Containers[0] != "js-web1" || b.ExistsAfterDelete || b.ContainerExists {
		t.Errorf("containers %v, blob exists after delete %v, container exists after delete %v", b.Containers, b.ExistsAfterDelete, b.ContainerExists)
	}
	b.DeniedRead.want(t, "blob read without a role", "RestError", "AuthorizationPermissionMismatch", 403)
	b.DeniedWrite.want(t, "blob write without a role", "RestError", "AuthorizationPermissionMismatch", 403)

	// parseKeyVaultIdentifier requires /secrets/{name}/{version}: the
	// path-style id has no /vaults/{vault} prefix, and vaultUrl is what
	// the SDK takes from the id (scheme, host, port).
	sec := rep.Secret
	if sec.Name != s.secretName || sec.Length != len(s.secretValue) || sec.Version == "" ||
		sec.ID != s.s.url+"/secrets/"+s.secretName+"/"+sec.Version || sec.VaultURL != s.s.url {
		t.Errorf("secret: %+v", sec)
	}
	if rep.SecretViaDAC.Name != s.secretName || rep.SecretViaDAC.Length != len(s.secretValue) {
		t.Errorf("secret via DefaultAzureCredential: %+v", rep.SecretViaDAC)
	}
	rep.VaultForbidden.want(t, "secret read without a role", "RestError", "Forbidden", 403)
}

// TestJavaScriptSDKServicePrincipal runs compat/js/sp.mjs with path-style
// URLs: a service principal made with `lanyard ad sp create` and `ad sp
// credential reset` signs in with ClientSecretCredential (authorityHost =
// the server, disableInstanceDiscovery) and uses the vault (Secrets
// Officer) and seedstore2 (Blob Data Contributor); seedstore1, where it has
// no role, refuses it.
func TestJavaScriptSDKServicePrincipal(t *testing.T) {
	node, dir := jsPeer(t)
	s := newSeed(t)
	s.runJSServicePrincipal(t, exec.Command(node, filepath.Join(dir, "sp.mjs")), s.vaultURL, s.url2, s.url1, s.s.url,
		"KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true")
}

// TestJavaScriptSDKHostStyle runs the same script against a server with a
// domain, addressing {account}.blob.{domain} and {vault}.vault.{domain} with
// the challenge-resource check on. compat/js/hosts.cjs, preloaded, resolves
// *.lanyard.test to the server as DNS or /etc/hosts would.
func TestJavaScriptSDKHostStyle(t *testing.T) {
	const domain = "lanyard.test"
	node, dir := jsPeer(t)
	s := newSeedWith(t, func(c *server.Config) { c.Domain = domain })
	host, port, err := net.SplitHostPort(strings.TrimPrefix(s.s.url, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	vaultURL := "https://seed-vault.vault." + domain + ":" + port
	cmd := exec.Command(node, "--require", filepath.Join(dir, "hosts.cjs"), filepath.Join(dir, "sp.mjs"))
	s.runJSServicePrincipal(t, cmd, vaultURL+"/", "https://seedstore2.blob."+domain+":"+port, "https://seedstore1.blob."+domain+":"+port, vaultURL,
		"LANYARD_TEST_DOMAIN="+domain, "LANYARD_TEST_ADDR="+host)
}

// runJSServicePrincipal creates the principal and its roles, runs cmd
// (sp.mjs) with the given data-plane URLs and asserts on its report.
// vaultBase is what secret ids start with (the vault URL host-style, the
// server path-style).
func (s *seed) runJSServicePrincipal(t *testing.T, cmd *exec.Cmd, vaultURL, blobURL, deniedBlobURL, vaultBase string, env ...string) {
	sp := decode(t, mustRun(t, "ad", "sp", "create", "--display-name", "js-app"))
	creds := decode(t, mustRun(t, "ad", "sp", "credential", "reset", "--id", sp["id"].(string)))
	appID, password := creds["appId"].(string), creds["password"].(string)
	mustRun(t, "role", "assignment", "create", "--assignee", appID, "--role", "Key Vault Secrets Officer", "--scope", s.vaultID)
	mustRun(t, "role", "assignment", "create", "--assignee", appID, "--role", "Storage Blob Data Contributor", "--scope", s.acct2)

	var rep struct {
		Token       jsToken
		WrongSecret jsError
		Vault       struct {
			Name, Version, ContentType, ID, VaultURL string
			SameVersion, ValueMatches                bool
			Listed                                   []string
			Deleted                                  struct {
				Name                        string
				RecoveryIDSet, DeletedOnSet bool
			}
			AfterDelete, Missing jsError
		}
		Blob struct {
			Same, Etag         bool
			Length             int
			ContentLength      int
			DuplicateContainer jsError
			Denied             jsError
		}
	}
	runJS(t, cmd, s.s.caFile, append([]string{
		"LANYARD_URL=" + s.s.url, "LANYARD_TENANT_ID=" + s.s.srv.TenantID(), "SP_CLIENT_ID=" + appID, "SP_CLIENT_SECRET=" + password,
		"VAULT_URL=" + vaultURL, "BLOB_URL=" + blobURL, "DENIED_BLOB_URL=" + deniedBlobURL, "SECRET_NAME=" + s.secretName,
	}, env...), &rep, password, s.secretValue)

	if tok := rep.Token; tok.Aud != "https://vault.azure.net" || tok.Tid != s.s.srv.TenantID() || tok.Appid != appID || tok.Oid != sp["id"] || tok.Mirid != "" {
		t.Errorf("service principal token: %+v (sp %v)", tok, sp)
	}
	// MSAL Node reports the token endpoint's 401 as a ServerError, which
	// @azure/identity (msal/utils.js handleMsalError) turns into
	// AuthenticationRequiredError carrying the AADSTS text, as with Entra.
	if w := rep.WrongSecret; w.Name != "AuthenticationRequiredError" || !strings.HasPrefix(w.Message, "invalid_client: ") || !strings.Contains(w.Message, "AADSTS7000215") {
		t.Errorf("a wrong client secret surfaced as %+v", w)
	}

	v := rep.Vault
	if v.Name != "js-sp-secret" || v.Version == "" || !v.SameVersion || !v.ValueMatches || v.ContentType != "text/plain" ||
		v.ID != vaultBase+"/secrets/js-sp-secret/"+v.Version || v.VaultURL != vaultBase {
		t.Errorf("vault round trip: %+v", v)
	}
	if strings.Join(v.Listed, ",") != s.secretName+",js-sp-secret" {
		t.Errorf("listPropertiesOfSecrets: %v", v.Listed)
	}
	if v.Deleted.Name != "js-sp-secret" || !v.Deleted.DeletedOnSet || !v.Deleted.RecoveryIDSet {
		t.Errorf("beginDeleteSecret: %+v", v.Deleted)
	}
	v.AfterDelete.want(t, "a deleted secret", "RestError", "SecretNotFound", 404)
	v.Missing.want(t, "a secret never set", "RestError", "SecretNotFound", 404)

	b := rep.Blob
	if !b.Same || b.Length != 70000+len(" from a service principal") || b.ContentLength != b.Length || !b.Etag {
		t.Errorf("blob upload/download: %+v", b)
	}
	b.DuplicateContainer.want(t, "creating an existing container", "RestError", "ContainerAlreadyExists", 409)
	b.Denied.want(t, "a container in an account without a role", "RestError", "AuthorizationPermissionMismatch", 403)
}

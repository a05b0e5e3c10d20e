package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestPythonSDK runs the Azure SDK for Python from Debian's python3-azure
// (compat/python, unmodified SDK; only URLs and REQUESTS_CA_BUNDLE are
// Lanyard's) against the seed scenario, on a server with a domain so both
// addressing styles are served: managed identity under `lanyard run`, a
// service principal's client secret, role enforcement, host-style names.
func TestPythonSDK(t *testing.T) {
	requirePythonSDK(t)
	const domain = "lanyard.test"
	s := newSeedWith(t, func(c *server.Config) { c.Domain = domain })
	t.Run("managed identity", func(t *testing.T) { s.pythonManagedIdentity(t) })
	t.Run("service principal", func(t *testing.T) { s.pythonServicePrincipal(t, domain) })
}

// pythonManagedIdentity runs managed_identity.py as web1 (the shared
// user-assigned identity by client ID, and its own system-assigned one).
func (s *seed) pythonManagedIdentity(t *testing.T) {
	cmd := exec.Command(os.Args[0], "run", "--socket", filepath.Join(s.dataDir, server.AgentSocket), "--app", "web1", "--",
		pyInterpreter, pythonScript("managed_identity.py"))
	cmd.Env = s.pythonEnv(execEnv + "=cli")
	var rep struct {
		Tokens      map[string]pyToken `json:"tokens"`
		VaultTokens map[string]pyToken `json:"vault_tokens"`
		Blob        map[string]pyBlob  `json:"blob"`
		Secret      map[string]struct {
			Name, Version, SHA256, ID string
		} `json:"secret"`
		Denied   map[string]pyFailure `json:"denied"`
		Versions map[string]string    `json:"versions"`
	}
	s.runPython(t, cmd, &rep)
	t.Logf("Python SDK: %v", rep.Versions)

	sharedOID, sharedID := str(s.shared, "properties", "principalId"), s.id("Microsoft.ManagedIdentity/userAssignedIdentities", "shared")
	web1ID := s.id("Microsoft.Web/sites", "web1")
	who := map[string][2]string{ // credential => (oid, xms_mirid)
		"mi_client_id": {sharedOID, sharedID}, "dac_client_id": {sharedOID, sharedID},
		"mi_system": {s.web1SystemOID, web1ID}, "dac": {s.web1SystemOID, web1ID},
	}
	for name, id := range who {
		s.wantToken(rep.Tokens[name].access(), "https://storage.azure.com", id[0], id[1])
		s.wantToken(rep.VaultTokens[name].access(), "https://vault.azure.net", id[0], id[1])
	}
	for _, name := range []string{"mi_client_id", "dac_client_id"} {
		rep.Blob[name].check(t, "py-"+strings.ReplaceAll(name, "_", "-"))
		sec := rep.Secret[name]
		if sec.Name != s.secretName || sec.SHA256 != pySHA256Hex(s.secretValue) || sec.Version == "" ||
			sec.ID != s.s.url+"/secrets/"+s.secretName+"/"+sec.Version {
			t.Fatalf("%s read the secret as %+v", name, sec)
		}
	}
	rep.Denied["blob_create_container"].want(t, "system-assigned creates a container", "HttpResponseError", 403, "AuthorizationPermissionMismatch", "")
	rep.Denied["blob_list"].want(t, "system-assigned lists containers", "HttpResponseError", 403, "AuthorizationPermissionMismatch", "")
	rep.Denied["vault_get"].want(t, "system-assigned reads the secret", "HttpResponseError", 403, "", "Forbidden")
}

// pyInterpreter is Debian's interpreter: python3-azure installs into its
// dist-packages, which a pyenv python3 earlier on PATH would not see.
const (
	pyInterpreter  = "/usr/bin/python3"
	pythonInstall  = "apt-get install -y python3-azure"
	pyRequirePeers = "LANYARD_REQUIRE_SDK_PEERS"
)

// requirePythonSDK skips the test when the Python Azure SDK is missing,
// unless CI demands it ($LANYARD_REQUIRE_SDK_PEERS=1), then it fails.
func requirePythonSDK(t *testing.T) {
	t.Helper()
	out, err := exec.Command(pyInterpreter, "-c", "import azure.identity, azure.storage.blob, azure.keyvault.secrets").CombinedOutput()
	if err == nil {
		return
	}
	if os.Getenv(pyRequirePeers) == "1" {
		t.Fatalf("the Python Azure SDK is required (%s=1): %s: %v\n%s", pyRequirePeers, pythonInstall, err, out)
	}
	t.Skipf("the Python Azure SDK is not installed (%s): %v", pythonInstall, err)
}

// pythonScript is the path of a script under compat/python.
func pythonScript(name string) string {
	return filepath.Join("..", "..", "compat", "python", name)
}

// pythonEnv is the environment the scripts run in: the test's, without any
// AZURE_* variable that would steer DefaultAzureCredential, trusting
// Lanyard's CA through REQUESTS_CA_BUNDLE (what requests reads), with no
// bytecode written into the source tree.
func (s *seed) pythonEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AZURE_") && !strings.HasPrefix(kv, "IDENTITY_") && !strings.HasPrefix(kv, "MSI_") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{"REQUESTS_CA_BUNDLE=" + s.s.caFile, "PYTHONDONTWRITEBYTECODE=1"}, extra...)...)
}

// runPython runs cmd, decodes its one JSON line into rep and fails if the
// output holds the seed secret's value.
func (s *seed) runPython(t *testing.T, cmd *exec.Cmd, rep any) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	if strings.Contains(stdout.String(), s.secretValue) {
		t.Fatal("the script printed the secret's value")
	}
	if err := json.Unmarshal(stdout.Bytes(), rep); err != nil {
		t.Fatalf("the script printed %d bytes that are not its report: %v\n%s", stdout.Len(), err, stderr.String())
	}
}

// pyToken is a token as the Python SDK returned it.
type pyToken struct {
	Token     string `json:"token"`
	ExpiresOn int64  `json:"expires_on"`
}

func (p pyToken) access() azcore.AccessToken {
	return azcore.AccessToken{Token: p.Token, ExpiresOn: time.Unix(p.ExpiresOn, 0)}
}

// pyBlob is common.blob_round_trip's report.
type pyBlob struct {
	Uploaded        int      `json:"uploaded"`
	DownloadedEqual bool     `json:"downloaded_equal"`
	Size            int      `json:"size"`
	ChunkedSize     int      `json:"chunked_size"`
	ChunkedEqual    bool     `json:"chunked_equal"`
	Listed          []string `json:"listed"`
	AfterDelete     []string `json:"after_delete"`
	Containers      []string `json:"containers"`
	ContainersAfter []string `json:"containers_after_delete"`
}

func (b pyBlob) check(t *testing.T, container string) {
	t.Helper()
	if !b.DownloadedEqual || b.Uploaded == 0 || !b.ChunkedEqual || b.ChunkedSize < 4*16*1024 || b.Size != b.Uploaded || len(b.Listed) != 1 || b.Listed[0] != "dir/a b.txt" ||
		len(b.AfterDelete) != 0 || len(b.Containers) != 1 || b.Containers[0] != container || len(b.ContainersAfter) != 0 {
		t.Fatalf("blob round trip in %s: %+v", container, b)
	}
}

// pyFailure is common.failure's report.
type pyFailure struct {
	OK        bool   `json:"ok"`
	Type      string `json:"type"`
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code"` // azure-core's error_code: storage's x-ms-error-code
	BodyCode  string `json:"body_code"`  // azure-core's error.code: Key Vault's {"error":{"code"}}
	Message   string `json:"message"`
}

func (f pyFailure) want(t *testing.T, what, typ string, status int, errorCode, bodyCode string) {
	t.Helper()
	if f.OK || f.Type != typ || f.Status != status || f.ErrorCode != errorCode || f.BodyCode != bodyCode {
		t.Fatalf("%s: %+v, want %s %d error_code=%q error.code=%q", what, f, typ, status, errorCode, bodyCode)
	}
}

func pySHA256Hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// pyHostPort is the server's port, for host-style URLs.
func (s *seed) pyHostPort(t *testing.T) string {
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.s.url, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// pythonServicePrincipal runs service_principal.py as a new service
// principal: Secrets Officer on the vault, Blob Data Contributor on the
// second account only, and host-style through *.domain names.
func (s *seed) pythonServicePrincipal(t *testing.T, domain string) {
	sp := decode(t, mustRun(t, "ad", "sp", "create", "--display-name", "python"))
	creds := decode(t, mustRun(t, "ad", "sp", "credential", "reset", "--id", sp["id"].(string)))
	appID := creds["appId"].(string)
	mustRun(t, "role", "assignment", "create", "--assignee", appID, "--role", "Key Vault Secrets Officer", "--scope", s.vaultID)
	mustRun(t, "role", "assignment", "create", "--assignee", appID, "--role", "Storage Blob Data Contributor", "--scope", s.acct2)

	port := s.pyHostPort(t)
	cmd := exec.Command(pyInterpreter, pythonScript("service_principal.py"))
	cmd.Env = s.pythonEnv("AUTHORITY="+s.s.url, "TENANT_ID="+s.s.srv.TenantID(), "CLIENT_ID="+appID,
		"CLIENT_SECRET="+creds["password"].(string), "VAULT_URL="+s.vaultURL, "SECRET_NAME="+s.secretName,
		"ACCOUNT_URL="+s.url2, "DENIED_ACCOUNT_URL="+s.url1,
		"HOST_DOMAIN="+domain, "HOST_ADDRESS="+strings.TrimPrefix(s.s.url, "https://"),
		"HOST_VAULT_URL=https://seed-vault.vault."+domain+":"+port, "HOST_ACCOUNT_URL=https://seedstore2.blob."+domain+":"+port)
	var rep struct {
		Token      pyToken `json:"token"`
		VaultToken pyToken `json:"vault_token"`
		Vault      struct {
			SetVersion      string    `json:"set_version"`
			GetVersion      string    `json:"get_version"`
			ValueEqual      bool      `json:"value_equal"`
			ContentType     string    `json:"content_type"`
			Listed          []string  `json:"listed"`
			DeletedName     string    `json:"deleted_name"`
			DeletedRecovery string    `json:"deleted_recovery_id"`
			GetAfterDelete  pyFailure `json:"get_after_delete"`
		} `json:"vault"`
		SeedSecret  string    `json:"seed_secret_sha256"`
		Blob        pyBlob    `json:"blob"`
		DeniedBlob  pyFailure `json:"denied_blob"`
		WrongSecret pyFailure `json:"wrong_secret"`
		Host        struct {
			SecretID     string `json:"secret_id"`
			SecretName   string `json:"secret_name"`
			SecretSHA256 string `json:"secret_sha256"`
			Blob         pyBlob `json:"blob"`
		} `json:"host"`
	}
	s.runPython(t, cmd, &rep)

	for aud, tok := range map[string]pyToken{"https://storage.azure.com": rep.Token, "https://vault.azure.net": rep.VaultToken} {
		if c := s.verify(tok.access()); c["aud"] != aud || (c["appid"] != appID && c["azp"] != appID) {
			t.Fatalf("service principal token claims %v, want aud %s, app %s", c, aud, appID)
		}
	}
	v := rep.Vault
	if v.SetVersion == "" || v.GetVersion != v.SetVersion || !v.ValueEqual || v.ContentType != "text/plain" ||
		strings.Join(v.Listed, ",") != s.secretName+",py-sp-secret" || v.DeletedName != "py-sp-secret" ||
		!strings.HasSuffix(v.DeletedRecovery, "/deletedsecrets/py-sp-secret") {
		t.Fatalf("secret life cycle: %+v", v)
	}
	v.GetAfterDelete.want(t, "get after delete", "ResourceNotFoundError", 404, "", "SecretNotFound")
	if rep.SeedSecret != pySHA256Hex(s.secretValue) {
		t.Fatal("the seed secret read by the service principal differs")
	}
	rep.Blob.check(t, "py-sp")
	rep.DeniedBlob.want(t, "writing the account it has no role on", "HttpResponseError", 403, "AuthorizationPermissionMismatch", "")
	if rep.WrongSecret.OK || rep.WrongSecret.Type != "ClientAuthenticationError" || !strings.Contains(rep.WrongSecret.Message, "AADSTS7000215") {
		t.Fatalf("a wrong client secret: %+v", rep.WrongSecret)
	}

	h, vaultURL := rep.Host, "https://seed-vault.vault."+domain+":"+port+"/"
	if h.SecretName != s.secretName || h.SecretSHA256 != pySHA256Hex(s.secretValue) || !strings.HasPrefix(h.SecretID, vaultURL+"secrets/"+s.secretName+"/") {
		t.Fatalf("host-style secret: %+v", h)
	}
	h.Blob.check(t, "py-host")
}

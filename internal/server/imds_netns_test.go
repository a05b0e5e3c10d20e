//go:build linux

package server_test

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/loopback/netnstest"
)

const imdsAddr = "169.254.169.254:80"

// TestIMDSInNetworkNamespace is the IMDS path with nothing faked: `lanyard
// agent --imds` (a separate process) adds 169.254.169.254 to lo and serves
// port 80, and the unmodified azidentity credentials reach it at the address
// they hard-code. Binding that address needs CAP_NET_ADMIN, so the test
// re-executes itself under `unshare -rn` (a new user and network
// namespace): everything happens there and the machine's own interfaces are
// never touched.
func TestIMDSInNetworkNamespace(t *testing.T) { netnstest.Run(t, imdsInNamespace) }

func imdsInNamespace(t *testing.T) {
	for _, k := range []string{"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	e := newMIEnv(t)
	shared := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "shared"))
	other := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "other"))
	joinToken := str(decode(t, mustRun(t, "host", "create", "-g", e.rg, "-n", "vm1")), "joinToken")
	ident := decode(t, mustRun(t, "host", "identity", "assign", "-g", e.rg, "-n", "vm1", "--system-assigned", "--identities", "shared"))
	vmID, sharedID := e.id("Microsoft.Compute/virtualMachines", "vm1"), e.id("Microsoft.ManagedIdentity/userAssignedIdentities", "shared")
	sysOID, sharedOID, sharedClient := str(ident, "principalId"), str(shared, "properties", "principalId"), str(shared, "properties", "clientId")
	if joinToken == "" || sysOID == "" {
		t.Fatalf("host create/assign: token %t, principal %q", joinToken != "", sysOID)
	}

	agentLogs, stopAgent, agentExited := startAgentProcess(t, e.s.url, joinToken)
	waitIMDS(t, agentExited, agentLogs)

	cases := []struct {
		name, aud, clientID string
		dac                 bool
		oid, mir            string
	}{
		{"ManagedIdentityCredential, system-assigned", "api://imds-system", "", false, sysOID, vmID},
		{"ManagedIdentityCredential, user-assigned by client ID", "api://imds-client", sharedClient, false, sharedOID, sharedID},
		{"DefaultAzureCredential, system-assigned", "api://imds-dac", "", true, sysOID, vmID},
		{"DefaultAzureCredential, AZURE_CLIENT_ID", "api://imds-dac-client", sharedClient, true, sharedOID, sharedID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := imdsToken(t, tc.dac, tc.clientID, tc.aud)
			if err != nil {
				t.Fatalf("GetToken: %v", err)
			}
			e.wantToken(tok, tc.aud, tc.oid, tc.mir)
		})
	}

	t.Run("refused: identity not attached to the VM", func(t *testing.T) {
		tok, err := imdsToken(t, false, str(other, "properties", "clientId"), "api://imds-other")
		var af *azidentity.AuthenticationFailedError
		if !errors.As(err, &af) || af.RawResponse == nil || af.RawResponse.StatusCode != http.StatusBadRequest || tok.Token != "" {
			t.Fatalf("GetToken = %q, %v; want AuthenticationFailedError with 400", tok.Token, err)
		}
	})

	// Revoking the host cuts its agent off: a token the agent has not cached
	// yet (a fresh audience) is refused.
	mustRun(t, "host", "revoke", "-g", e.rg, "-n", "vm1")
	t.Run("refused: host revoked", func(t *testing.T) {
		tok, err := imdsToken(t, false, "", "api://imds-after-revoke")
		var af *azidentity.AuthenticationFailedError
		if !errors.As(err, &af) || af.RawResponse == nil || af.RawResponse.StatusCode != http.StatusForbidden || tok.Token != "" {
			t.Fatalf("GetToken after revoke = %q, %v; want AuthenticationFailedError with 403 (host no longer enrolled)", tok.Token, err)
		}
	})

	if err := stopAgent(); err != nil {
		t.Fatalf("lanyard agent did not exit cleanly on SIGTERM: %v\n%s", err, agentLogs)
	}
	if has169(t) {
		t.Error("the agent left 169.254.169.254 on lo after exiting")
	}
	if strings.Contains(agentLogs.String(), joinToken) || strings.Contains(agentLogs.String(), "eyJ") {
		t.Errorf("the agent logged its join token or a token:\n%s", agentLogs)
	}
}

// imdsToken asks IMDS through an unmodified credential, no transport
// override: it dials the hard-coded 169.254.169.254:80.
func imdsToken(t *testing.T, dac bool, clientID, aud string) (azcore.AccessToken, error) {
	t.Helper()
	if dac {
		if clientID != "" {
			t.Setenv("AZURE_CLIENT_ID", clientID)
		}
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		return cred.GetToken(t.Context(), scope(aud))
	}
	var opts azidentity.ManagedIdentityCredentialOptions
	if clientID != "" {
		opts.ID = azidentity.ClientID(clientID)
	}
	cred, err := azidentity.NewManagedIdentityCredential(&opts)
	if err != nil {
		t.Fatal(err)
	}
	return cred.GetToken(t.Context(), scope(aud))
}

// startAgentProcess runs `lanyard agent --imds` as a child process (the
// test binary in cli mode); stop sends SIGTERM and waits for it.
func startAgentProcess(t *testing.T, serverURL, joinToken string) (logs *lockedBuffer, stop func() error, exited <-chan error) {
	t.Helper()
	logs = &lockedBuffer{}
	cmd := exec.Command(os.Args[0], "agent", "--server", serverURL, "--state-dir", filepath.Join(t.TempDir(), "agent"),
		"--imds", "--identity-addr", "127.0.0.1:0")
	// The token goes in the environment, out of the process list.
	cmd.Env = append(os.Environ(), execEnv+"=cli", "LANYARD_JOIN_TOKEN="+joinToken)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	var waitErr error
	stop = func() error {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case waitErr = <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				waitErr = errors.Join(errors.New("killed after 10s"), <-done)
			}
		})
		return waitErr
	}
	t.Cleanup(func() { _ = stop() })
	return logs, stop, done
}

// waitIMDS waits until something accepts on 169.254.169.254:80, failing
// at once if the agent exits first.
func waitIMDS(t *testing.T, exited <-chan error, logs *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", imdsAddr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing accepts on %s: %v\nagent:\n%s", imdsAddr, err, logs)
		}
		select {
		case err := <-exited:
			t.Fatalf("lanyard agent exited (%v) before serving IMDS:\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func has169(t *testing.T) bool {
	t.Helper()
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := lo.Addrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if strings.HasPrefix(a.String(), "169.254.169.254/") {
			return true
		}
	}
	return false
}

// lockedBuffer collects a child's output written from exec's copying goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

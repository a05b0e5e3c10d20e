package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestBlobSurvivesKill overwrites a blob with a body that stops halfway,
// SIGKILLs `lanyard serve` (a real process) while the upload is in flight,
// restarts it on the same data directory, and checks that the old content
// is what is served, byte for byte, and that the half-received upload left
// nothing behind.
func TestBlobSurvivesKill(t *testing.T) {
	work := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	url := "https://" + addr
	dataDir := filepath.Join(work, "lanyard-data")
	serve := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "serve", "--data-dir", dataDir, "--addr", addr, "--identity-addr", "off")
		cmd.Env = append(os.Environ(), execEnv+"=cli")
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		waitHealthy(t, url, filepath.Join(dataDir, "ca.crt"), &log)
		return cmd, &log
	}
	first, _ := serve()
	caFile := filepath.Join(dataDir, "ca.crt")
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	mustRun(t, "login", "--server", url, "--ca-file", caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	mustRun(t, "group", "create", "-n", "crash")
	acct := decode(t, mustRun(t, "storage", "account", "create", "-g", "crash", "-n", "crashstore"))
	mustRun(t, "role", "assignment", "create", "--assignee", server.AdminUserName, "--role", "Storage Blob Data Contributor", "--scope", acct["id"].(string))
	mustRun(t, "storage", "container", "create", "--account-name", "crashstore", "-n", "crash")
	old := bytes.Repeat([]byte("old content "), 100_000)
	oldFile := filepath.Join(work, "old")
	if err := os.WriteFile(oldFile, old, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "storage", "blob", "upload", "--account-name", "crashstore", "-c", "crash", "-n", "b", "-f", oldFile)

	token := storageToken(t)
	blobURL := url + "/crashstore/crash/b"
	hc := (&miEnv{t: t, s: &running{url: url, caFile: caFile}}).httpsClient()
	const declared = 8 << 20
	body, feed := io.Pipe()
	req, err := http.NewRequest(http.MethodPut, blobURL, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = declared
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	req.Header.Set("x-ms-version", "2026-12-06")
	done := make(chan error, 1)
	go func() {
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	if _, err := feed.Write(bytes.Repeat([]byte("N"), declared/2)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the server write what it has
	if staged, _ := os.ReadDir(filepath.Join(dataDir, server.BlobDir, "staging")); len(staged) == 0 {
		t.Fatal("the interrupted upload is not being staged; the test would prove nothing")
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	feed.Close()
	if err := <-done; err == nil {
		t.Fatal("the upload succeeded although the server was killed")
	}

	serve()
	hc = (&miEnv{t: t, s: &running{url: url, caFile: caFile}}).httpsClient()
	req, _ = http.NewRequest(http.MethodGet, blobURL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-ms-version", "2026-12-06")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, old) {
		t.Fatalf("after the crash: %d, %d bytes (want the old %d)", resp.StatusCode, len(got), len(old))
	}
	if staged, _ := os.ReadDir(filepath.Join(dataDir, server.BlobDir, "staging")); len(staged) != 0 {
		t.Fatalf("staging still holds %d files after restart", len(staged))
	}
	var files int
	_ = filepath.WalkDir(filepath.Join(dataDir, server.BlobDir, "data"), func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 1 {
		t.Fatalf("%d content files after restart, want 1 (the old blob's)", files)
	}
}

// storageToken reads the storage token `lanyard login` stored in the
// profile (the CLI's data commands use the same one).
func storageToken(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(os.Getenv("LANYARD_CONFIG_DIR"), "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		DataTokens map[string]struct {
			AccessToken string `json:"accessToken"`
		} `json:"dataTokens"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	for aud, tok := range p.DataTokens {
		if aud == "https://storage.azure.com" || aud == "https://storage.azure.com/" {
			return tok.AccessToken
		}
	}
	t.Fatalf("no storage token in the profile: %v", p.DataTokens)
	return ""
}

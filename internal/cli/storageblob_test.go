package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const storagePath = subPath + "/providers/Microsoft.Storage/storageAccounts"

// blobEnv is an ARM fake listing one account whose blob endpoint is the
// data fake, path-style as Lanyard renders it without --domain.
func blobEnv(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body string)) (*fakeAPI, *dataFake) {
	f := newFake(t)
	f.signInData(t, validDataTokens())
	d := newDataFake(t, handle)
	f.on("GET "+storagePath, 200, map[string]any{"value": []any{
		map[string]any{"id": rgPath + "/providers/Microsoft.Storage/storageAccounts/demostore", "name": "demostore",
			"properties": map[string]any{"primaryEndpoints": map[string]any{"blob": d.srv.URL + "/demostore/"}}},
	}})
	return f, d
}

func storageError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("x-ms-error-code", code)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><Error><Code>` + code + `</Code><Message>` + msg + `</Message></Error>`))
}

func TestBlobUploadAndDownload(t *testing.T) {
	var stored, storedType string
	_, d := blobEnv(t, func(w http.ResponseWriter, r *http.Request, body string) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/demostore/box/dir/a.txt":
			if r.Header.Get("If-None-Match") == "*" && stored != "" {
				storageError(w, 409, "BlobAlreadyExists", "The specified blob already exists.")
				return
			}
			stored, storedType = body, r.Header.Get("x-ms-blob-content-type")
			w.Header().Set("ETag", `"0x1"`)
			w.Header().Set("Last-Modified", "Sun, 01 Mar 2026 12:00:00 GMT")
			w.WriteHeader(201)
		case r.Method == http.MethodGet && r.URL.Path == "/demostore/box/dir/a.txt":
			w.Header().Set("Content-Type", storedType)
			w.Header().Set("x-ms-blob-type", "BlockBlob")
			w.Write([]byte(stored))
		default:
			storageError(w, 404, "ResourceNotFound", "nope")
		}
	})
	src := writeFile(t, "a.txt", "hello blob")
	out, err := runCLI(t, "", "storage", "blob", "upload", "--account-name", "demostore", "-c", "box", "-n", "dir/a.txt", "-f", src)
	if err != nil {
		t.Fatal(err)
	}
	if stored != "hello blob" || !strings.HasPrefix(storedType, "text/plain") || !strings.Contains(out, `"etag": "\"0x1\""`) {
		t.Errorf("stored %q as %q; output %s", stored, storedType, out)
	}
	if got := d.requests()[0].Header.Get("If-None-Match"); got != "*" {
		t.Errorf("upload without --overwrite sent If-None-Match %q, want *", got)
	}
	// A second upload is refused unless --overwrite.
	_, err = runCLI(t, "", "storage", "blob", "upload", "--account-name", "demostore", "-c", "box", "-n", "dir/a.txt", "-f", src)
	if err == nil || !strings.HasPrefix(err.Error(), "BlobAlreadyExists: The specified blob already exists.") || !strings.Contains(err.Error(), "--overwrite") {
		t.Errorf("second upload: %v", err)
	}
	if _, err := runCLI(t, "", "storage", "blob", "upload", "--account-name", "demostore", "-c", "box", "-n", "dir/a.txt", "-f", src, "--overwrite", "--content-type", "application/x-test"); err != nil || storedType != "application/x-test" {
		t.Errorf("overwrite: %v, type %q", err, storedType)
	}

	dst := filepath.Join(t.TempDir(), "out.txt")
	out, err = runCLI(t, "", "storage", "blob", "download", "--account-name", "demostore", "-c", "box", "-n", "dir/a.txt", "-f", dst)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "hello blob" {
		t.Errorf("downloaded %q", b)
	}
	var shown blobOut
	if err := json.Unmarshal([]byte(out), &shown); err != nil || shown.Name != "dir/a.txt" || shown.Properties.BlobType != "BlockBlob" {
		t.Errorf("download output %s (%v)", out, err)
	}
	// A failed download leaves no file behind.
	missing := filepath.Join(t.TempDir(), "missing.txt")
	if _, err := runCLI(t, "", "storage", "blob", "download", "--account-name", "demostore", "-c", "box", "-n", "nope", "-f", missing); err == nil || !strings.HasPrefix(err.Error(), "ResourceNotFound: nope") {
		t.Errorf("missing blob: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(missing)); len(entries) != 0 {
		t.Errorf("failed download left %d files", len(entries))
	}
}

func TestContainerCommandsAndErrors(t *testing.T) {
	_, d := blobEnv(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/demostore/box":
			w.WriteHeader(201)
		case r.Method == http.MethodPut && r.URL.Path == "/demostore/exists":
			storageError(w, 409, "ContainerAlreadyExists", "The specified container already exists.")
		case r.Method == http.MethodGet && r.URL.Query().Get("comp") == "list" && r.URL.Path == "/demostore/":
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="x"><Containers>` +
				`<Container><Name>box</Name><Properties><Last-Modified>Sun, 01 Mar 2026 12:00:00 GMT</Last-Modified><Etag>"0x2"</Etag></Properties></Container>` +
				`</Containers><NextMarker/></EnumerationResults>`))
		default:
			storageError(w, 403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.")
		}
	})
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"container", "create", "-n", "box"}, `"created": true`, ""},
		{[]string{"container", "create", "-n", "exists"}, `"created": false`, ""},
		{[]string{"container", "list"}, `"name": "box"`, ""},
		{[]string{"-o", "table", "container", "list"}, "box   2026-03-01T12:00:00Z", ""},
		{[]string{"container", "delete", "-n", "box"}, "", "AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission."},
		{[]string{"blob", "list", "-c", "box"}, "", "AuthorizationPermissionMismatch: "},
		// HEAD errors have no body: the code from the header still shows.
		{[]string{"blob", "show", "-c", "box", "-n", "x"}, "", "AuthorizationPermissionMismatch: Forbidden"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"storage"}, tt.args...)
			if args[1] == "-o" {
				args = append([]string{"-o", "table", "storage"}, tt.args[2:]...)
			}
			out, err := runCLI(t, "", append(args, "--account-name", "demostore")...)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err = %v, want one line starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out, tt.want) {
				t.Errorf("out %q, err %v; want %q", out, err, tt.want)
			}
		})
	}
	if len(d.requests()) == 0 {
		t.Fatal("no data-plane requests")
	}
}

func TestBlobInputsRefusedBeforeSending(t *testing.T) {
	f, d := blobEnv(t, func(w http.ResponseWriter, _ *http.Request, _ string) { w.WriteHeader(500) })
	for _, args := range [][]string{
		{"storage", "container", "create", "--account-name", "demostore", "-n", "UPPER"},
		{"storage", "container", "create", "--account-name", "demostore", "-n", "../x"},
		{"storage", "blob", "list", "--account-name", "demostore", "-c", "a"},
		{"storage", "blob", "show", "--account-name", "demostore", "-c", "box", "-n", "bad\nname"},
		{"storage", "blob", "upload", "--account-name", "demostore", "-c", "box", "-n", "x", "-f", "/does/not/exist"},
	} {
		if _, err := runCLI(t, "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if n := len(f.requests()) + len(d.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestBlobAccountResolution(t *testing.T) {
	f, _ := blobEnv(t, func(w http.ResponseWriter, _ *http.Request, _ string) { w.WriteHeader(500) })
	if _, err := runCLI(t, "", "storage", "container", "list", "--account-name", "other"); err == nil || !strings.Contains(err.Error(), `no storage account named "other"`) {
		t.Errorf("unknown account: %v", err)
	}
	// An endpoint that is not https is never sent the token.
	f.on("GET "+rgPath+"/providers/Microsoft.Storage/storageAccounts/plain", 200, map[string]any{"name": "plain",
		"properties": map[string]any{"primaryEndpoints": map[string]any{"blob": "http://127.0.0.1:1/plain/"}}})
	if _, err := runCLI(t, "", "storage", "container", "list", "--account-name", "plain", "-g", "rg1"); err == nil || !strings.Contains(err.Error(), "not an https URL") {
		t.Errorf("http endpoint: %v", err)
	}
	// A profile from before data planes gets advice, not a request.
	f.signIn(t)
	before := len(f.requests())
	if _, err := runCLI(t, "", "storage", "container", "list", "--account-name", "demostore"); err == nil || !strings.Contains(err.Error(), "run 'lanyard login'") {
		t.Errorf("old profile: %v", err)
	}
	if len(f.requests()) != before {
		t.Error("requests were sent without a data token")
	}
}

package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	vmPath  = rgPath + "/providers/Microsoft.Compute/virtualMachines/vm1"
	joinTok = "LJ1.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ." + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func TestHostCreatePrintsJoinToken(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	f.echo("PUT "+vmPath, 201)
	f.on("POST "+vmPath+"/joinToken", 200, map[string]any{"joinToken": joinTok, "expiresOn": "2026-03-02T12:00:00Z"})
	out, err := runCLI(t, "", "host", "create", "-n", "vm1", "-g", "rg1")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got["joinToken"] != joinTok || got["id"] != vmPath || got["location"] != "local" {
		t.Errorf("output %+v", got)
	}
	rs := f.requests()
	if len(rs) != 2 || rs[0].Method != "PUT" || rs[1].Method != "POST" || rs[1].Path != vmPath+"/joinToken" {
		t.Fatalf("requests %+v", rs)
	}
	for _, r := range rs {
		if !strings.Contains(r.Query, "api-version=") {
			t.Errorf("%s %s without api-version", r.Method, r.Path)
		}
	}
	// Table output has the token in its own column.
	out, err = runCLI(t, "", "host", "create", "-n", "vm1", "-g", "rg1", "-o", "table")
	if err != nil || !strings.Contains(out, "JoinToken") || !strings.Contains(out, joinTok) {
		t.Errorf("table output %q (%v)", out, err)
	}
}

func TestHostCreateFailsWhenTokenRefused(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	f.echo("PUT "+vmPath, 201)
	f.on("POST "+vmPath+"/joinToken", 403, map[string]any{"error": map[string]string{"code": "AuthorizationFailed", "message": "no"}})
	if _, err := runCLI(t, "", "host", "create", "-n", "vm1", "-g", "rg1"); err == nil || !strings.Contains(err.Error(), "AuthorizationFailed") {
		t.Fatalf("error %v", err)
	}
}

func TestHostJoinTokenAndRevoke(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	f.on("POST "+vmPath+"/joinToken", 200, map[string]any{"joinToken": joinTok, "expiresOn": "2026-03-02T12:00:00Z"})
	f.on("POST "+vmPath+"/revokeAgent", 200, map[string]any{})
	out, err := runCLI(t, "", "host", "join-token", "-n", "vm1", "-g", "rg1")
	if err != nil || !strings.Contains(out, joinTok) {
		t.Fatalf("join-token: %q %v", out, err)
	}
	if _, err := runCLI(t, "", "host", "revoke", "-n", "vm1", "-g", "rg1"); err != nil {
		t.Fatal(err)
	}
	if r := f.last(t, "POST"); r.Path != vmPath+"/revokeAgent" {
		t.Errorf("revoke posted to %s", r.Path)
	}
	// Names that would escape the VM's path are refused before any request.
	n := len(f.requests())
	for _, args := range [][]string{
		{"host", "revoke", "-n", "../vm2", "-g", "rg1"},
		{"host", "join-token", "-n", "vm1"},
	} {
		if _, err := runCLI(t, "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if len(f.requests()) != n {
		t.Errorf("refused commands sent requests: %+v", f.requests()[n:])
	}
}

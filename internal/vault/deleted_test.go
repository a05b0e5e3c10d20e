package vault

import (
	"net/http"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/dataplane"
)

// TestDeletedPastPurgeDate: with no background purger, a deleted secret
// whose purge date has passed is purged when next touched. Get Deleted
// Secret and Recover both answer 404 then, and the name is free again.
func TestDeletedPastPurgeDate(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	for _, step := range []struct{ method, path, body string }{
		{"PUT", "/secrets/old", `{"value":"v"}`},
		{"DELETE", "/secrets/old", ""},
		{"PUT", "/secrets/kept", `{"value":"v"}`},
		{"DELETE", "/secrets/kept", ""},
	} {
		if r := e.do(step.method, step.path, tok, step.body); r.status != http.StatusOK {
			t.Fatalf("%s %s: %d %s", step.method, step.path, r.status, r.raw)
		}
	}
	if r := e.do("GET", "/deletedsecrets/old", tok, ""); r.status != http.StatusOK {
		t.Fatalf("before the purge date: %d %s", r.status, r.raw)
	}

	// The same store seen by a Handler whose clock is past the retention.
	e.h = e.handlerAt(t, func() time.Time { return time.Now().Add(retention + time.Hour) })
	for _, tc := range []struct{ method, path string }{
		{"GET", "/deletedsecrets/old"},
		{"POST", "/deletedsecrets/kept/recover"},
	} {
		if r := e.do(tc.method, tc.path, tok, ""); r.status != http.StatusNotFound || r.code() != "SecretNotFound" {
			t.Fatalf("%s %s past the purge date: %d %s", tc.method, tc.path, r.status, r.raw)
		}
	}
	// Both were purged for good, not just hidden from the later clock.
	e.h = e.handlerAt(t, time.Now)
	for _, name := range []string{"old", "kept"} {
		if r := e.do("GET", "/deletedsecrets/"+name, tok, ""); r.status != http.StatusNotFound {
			t.Fatalf("%s after the purge: %d %s", name, r.status, r.raw)
		}
		if r := e.do("PUT", "/secrets/"+name, tok, `{"value":"again"}`); r.status != http.StatusOK {
			t.Fatalf("%s is not free again: %d %s", name, r.status, r.raw)
		}
	}
}

// handlerAt is a Handler on e's store and keys with its own clock.
func (e *env) handlerAt(t *testing.T, now func() time.Time) *Handler {
	h, err := New(Config{Store: e.st, Sealer: e.tokens.Sealer, Guard: dataplane.NewGuard(e.tokens.Verifier, e.index),
		AuthorityURL: authority, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

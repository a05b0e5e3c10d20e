package vault

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
)

const plaintext = "correct-horse-battery-staple-0123456789"

// TestNoPlaintextAtRest reads the raw tables: neither the value nor the
// data key is there in the clear.
func TestNoPlaintextAtRest(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	if r := e.do("PUT", "/secrets/pw", tok, `{"value":"`+plaintext+`"}`); r.status != 200 {
		t.Fatal(r.raw)
	}
	db, err := sql.Open("sqlite", e.dbPath+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var value, sealed []byte
	if err := db.QueryRow(`SELECT value FROM secret_versions`).Scan(&value); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT sealed FROM vault_keys`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(value, []byte(plaintext)) || bytes.Contains(value, []byte("correct-horse")) {
		t.Fatal("secret value stored in the clear")
	}
	if len(value) != 12+len(plaintext)+16 {
		t.Fatalf("ciphertext is %d bytes, want nonce+value+tag", len(value))
	}
	// The data key opens only under the master key; check that the sealed
	// form is not the raw key the cache holds.
	if len(sealed) < 32+16 {
		t.Fatalf("sealed key is %d bytes", len(sealed))
	}
}

// TestMovedCiphertextDoesNotOpen copies one secret's ciphertext onto
// another's row: the AAD binds it to its name and version, so the read
// fails instead of returning the other secret's value.
func TestMovedCiphertextDoesNotOpen(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	for _, n := range []string{"a", "b"} {
		if r := e.do("PUT", "/secrets/"+n, tok, `{"value":"value-of-`+n+`"}`); r.status != 200 {
			t.Fatal(r.raw)
		}
	}
	db, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE secret_versions SET value = (SELECT value FROM secret_versions WHERE name_key = 'a') WHERE name_key = 'b'`); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/secrets/b", tok, "")
	if r.status != 500 || strings.Contains(r.raw, "value-of-a") {
		t.Fatalf("moved ciphertext: %d %s", r.status, r.raw)
	}
	if r := e.do("GET", "/secrets/a", tok, ""); r.status != 200 || r.body["value"] != "value-of-a" {
		t.Fatalf("untouched secret: %d %s", r.status, r.raw)
	}
}

// TestRecreatedVaultIsEmpty deletes the vault resource and makes a new one
// with the same ID: the old secrets are gone and the new vault gets a new
// data key (the cached one is not reused).
func TestRecreatedVaultIsEmpty(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	if r := e.do("PUT", "/secrets/old", tok, `{"value":"old"}`); r.status != 200 {
		t.Fatal(r.raw)
	}
	if r := e.do("GET", "/secrets/old", tok, ""); r.status != 200 { // caches the key
		t.Fatal(r.raw)
	}
	oldKey, err := e.st.GetVaultKey(ctx, vaultID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.st.GetResource(ctx, vaultID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteResource(ctx, vaultID); err != nil {
		t.Fatal(err)
	}
	res.CreatedAt = time.Now()
	if err := e.st.CreateResource(ctx, res); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/secrets/old", tok, ""); r.status != 404 || r.code() != "SecretNotFound" {
		t.Fatalf("old secret after re-creation: %d %s", r.status, r.raw)
	}
	if r := e.do("PUT", "/secrets/new", tok, `{"value":"new"}`); r.status != 200 {
		t.Fatal(r.raw)
	}
	if r := e.do("GET", "/secrets/new", tok, ""); r.status != 200 || r.body["value"] != "new" {
		t.Fatalf("new secret: %d %s", r.status, r.raw)
	}
	newKey, err := e.st.GetVaultKey(ctx, vaultID)
	if err != nil {
		t.Fatal(err)
	}
	if newKey.Generation == oldKey.Generation || bytes.Equal(newKey.Sealed, oldKey.Sealed) {
		t.Fatal("re-created vault reuses the old data key")
	}
}

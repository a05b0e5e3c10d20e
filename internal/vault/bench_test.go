package vault

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkGetSecret is the hot path end to end: HTTPS, a real ES256
// token verified, RBAC checked, the vault found, one secret read from the
// real SQLite store and opened with AES-GCM.
func BenchmarkGetSecret(b *testing.B) {
	e := newEnv(b)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	if r := e.do("PUT", "/secrets/bench", tok, `{"value":"`+plaintext+`"}`); r.status != 200 {
		b.Fatal(r.raw)
	}
	req, err := http.NewRequest("GET", e.srv.URL+"/vaults/"+testVault+"/secrets/bench/?api-version="+latestAPIVersion, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	client := e.srv.Client()
	start := time.Now()
	for b.Loop() {
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkGetSecretParallel is the same with concurrent clients, the
// shape of Azure's limit (4,000 GETs per 10 s per vault).
func BenchmarkGetSecretParallel(b *testing.B) {
	e := newEnv(b)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	if r := e.do("PUT", "/secrets/bench", tok, `{"value":"`+plaintext+`"}`); r.status != 200 {
		b.Fatal(r.raw)
	}
	url := e.srv.URL + "/vaults/" + testVault + "/secrets/bench/?api-version=" + latestAPIVersion
	client := e.srv.Client()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

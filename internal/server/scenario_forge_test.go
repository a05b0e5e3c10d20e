package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/go-jose/go-jose/v4"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// forgedTokens sends tokens that must all be refused, at a blob and at the
// vault, each with the raw protocol so nothing in an SDK can mask the
// answer: one signed by another key under the real key's ID, one signed by
// the real key but expired, one for the wrong audience, and one with
// "alg": "none".
func (s *seed) forgedTokens(t *testing.T, cred azcore.TokenCredential) {
	ctx := t.Context()
	genuine, err := cred.GetToken(ctx, scope("https://storage.azure.com"))
	if err != nil {
		t.Fatal(err)
	}
	header, payload := splitJWT(t, genuine.Token)
	var claims tokens.Claims
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}

	// The real key, from the server's own data directory, minting as if
	// two days ago: the signature is good and the token is expired.
	st, err := sqlite.Open(filepath.Join(s.dataDir, "lanyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sealer, err := seal.LoadOrCreate(filepath.Join(s.dataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	past := func() time.Time { return time.Now().Add(-48 * time.Hour) }
	keys := signing.New(st, sealer, "RS256", time.Now)
	if err := keys.Load(ctx); err != nil {
		t.Fatal(err)
	}
	expired, _, err := tokens.NewIssuer(keys, claims.Issuer, claims.TenantID, past).Mint(claims, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: otherKey},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", header["kid"]))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	otherSigned, _ := jws.CompactSerialize()

	wrongAud, err := cred.GetToken(ctx, scope("https://management.azure.com"))
	if err != nil {
		t.Fatal(err)
	}
	none := b64(`{"alg":"none","typ":"JWT","kid":"`+header["kid"].(string)+`"}`) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."

	forged := map[string]string{"other key": otherSigned, "expired": expired, "wrong audience": wrongAud.Token, "alg none": none}
	for name, tok := range forged {
		t.Run(name, func(t *testing.T) {
			resp := s.raw(t, http.MethodGet, s.url1+"/shared/web1.txt", tok)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("x-ms-error-code") != "InvalidAuthenticationInfo" {
				t.Fatalf("blob: %d %q, want 401 InvalidAuthenticationInfo", resp.StatusCode, resp.Header.Get("x-ms-error-code"))
			}
			resp = s.raw(t, http.MethodGet, s.vaultURL+"/secrets/"+s.secretName+"?api-version=2026-04-01", tok)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("vault: %d, want 401", resp.StatusCode)
			}
		})
	}
	// The genuine token passes the same raw request: the refusals above are
	// about the tokens, not the request.
	if resp := s.raw(t, http.MethodGet, s.url1+"/shared/web1.txt", genuine.Token); resp.StatusCode != http.StatusOK {
		t.Fatalf("genuine token: %d", resp.StatusCode)
	}
}

func (s *seed) raw(t *testing.T, method, url, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-ms-version", "2026-12-06")
	resp, err := s.httpsClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func splitJWT(t *testing.T, raw string) (map[string]any, []byte) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	var header map[string]any
	if err := json.Unmarshal(h, &header); err != nil {
		t.Fatal(err)
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return header, p
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

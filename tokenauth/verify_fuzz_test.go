package tokenauth

import (
	"context"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// FuzzVerify: no input panics, and whatever is accepted has exactly the
// signed header and payload of a token the issuer minted.
func FuzzVerify(f *testing.F) {
	ti := newTestIssuer(f, signing.RS256)
	a := ti.authenticator(f, nil)
	valid := ti.token(f, tokens.Claims{})
	signed := valid[:strings.LastIndex(valid, ".")]
	f.Add(valid)
	f.Add(signed + ".")
	f.Add("e30.e30.")
	f.Add(forge(map[string]any{"alg": "none"}, map[string]any{"oid": testOID}, nil))
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := a.Verify(context.Background(), raw)
		if err != nil {
			return
		}
		if raw[:strings.LastIndex(raw, ".")] != signed || p.ObjectID != testOID {
			t.Fatalf("accepted a token the issuer did not sign: %q", raw)
		}
	})
}

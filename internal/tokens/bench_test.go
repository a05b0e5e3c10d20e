package tokens

import (
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
)

func benchSetup(b *testing.B, alg string) (*Issuer, *Verifier) {
	ks := newKeySet(b, alg, time.Now)
	iss := NewIssuer(ks, "https://lanyard.test/"+testTenant+"/v2.0", testTenant, nil)
	return iss, NewVerifier(ks, iss.URL(), nil)
}

var benchClaims = Claims{Audience: ManagementAudience, ObjectID: testAppOID, Subject: testAppOID, AppID: testAppID, AuthorizedParty: testAppID, IdentityType: IdentityApp}

func benchMint(b *testing.B, alg string) {
	iss, _ := benchSetup(b, alg)
	for b.Loop() {
		if _, _, err := iss.Mint(benchClaims, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func benchVerify(b *testing.B, alg string) {
	iss, v := benchSetup(b, alg)
	raw, _, err := iss.Mint(benchClaims, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := v.Verify(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMintRS256(b *testing.B)   { benchMint(b, signing.RS256) }
func BenchmarkMintES256(b *testing.B)   { benchMint(b, signing.ES256) }
func BenchmarkVerifyRS256(b *testing.B) { benchVerify(b, signing.RS256) }
func BenchmarkVerifyES256(b *testing.B) { benchVerify(b, signing.ES256) }

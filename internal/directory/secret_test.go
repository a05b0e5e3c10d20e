package directory

import (
	"regexp"
	"strings"
	"testing"
)

func TestSecretShapeAndHash(t *testing.T) {
	shape := regexp.MustCompile(`^[A-Za-z0-9_-]{3}8Q~[A-Za-z0-9_-]{40}$`)
	seen := map[string]bool{}
	for range 50 {
		s := newSecretText()
		if !shape.MatchString(s) {
			t.Fatalf("secret %q does not have Entra's shape", s)
		}
		if seen[s] {
			t.Fatal("secret repeated")
		}
		seen[s] = true
	}
	s := newSecretText()
	h := hashSecret(s)
	if strings.Contains(h, s) || strings.Contains(h, s[6:20]) {
		t.Fatal("hash contains the secret")
	}
	if h == hashSecret(s) {
		t.Fatal("two hashes of one secret are equal: not salted")
	}
	for _, tc := range []struct {
		name, enc, secret string
		want              bool
	}{
		{"match", h, s, true},
		{"other secret", h, newSecretText(), false},
		{"one char off", h, s[:len(s)-1] + "A", false},
		{"prefix", h, s[:len(s)-1], false},
		{"empty", h, "", false},
		{"empty hash", "", s, false},
		{"wrong scheme", strings.Replace(h, hashScheme, "sha1", 1), s, false},
		{"bad base64", hashScheme + "$***$***", s, false},
		{"missing key", hashScheme + "$$" + strings.SplitN(h, "$", 3)[2], s, false},
	} {
		if got := secretMatches(tc.enc, tc.secret); got != tc.want {
			t.Errorf("%s: secretMatches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func BenchmarkSecretVerify(b *testing.B) {
	s := newSecretText()
	h := hashSecret(s)
	for b.Loop() {
		if !secretMatches(h, s) {
			b.Fatal("no match")
		}
	}
}

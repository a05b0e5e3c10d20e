package directory

import (
	"context"
	"testing"
)

// FuzzDecodePHC: stored hashes are read back from the database; whatever
// they hold must parse or be refused, never panic, and anything accepted
// must re-encode to the same string (no two spellings of one hash).
func FuzzDecodePHC(f *testing.F) {
	good, _ := newPasswordHasher(cheapParams).hash(context.Background(), "x")
	f.Add(good)
	f.Add("$argon2id$v=19$m=0,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodePHC(s)
		if err != nil {
			return
		}
		if p.memory > maxMemory || p.time > maxTime || p.threads > maxThreads {
			t.Fatalf("accepted out-of-bounds params %+v", p)
		}
		if enc := encodePHC(p, salt, key); enc != s {
			t.Fatalf("decode/encode changed %q into %q", s, enc)
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"appId eq 'x'", "displayName eq 'O''Brien'", "a eq '", "displayName eq ''''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prop, _, err := parseFilter(s, "appId", "displayName")
		if err == nil && s != "" && prop != "appId" && prop != "displayName" {
			t.Fatalf("parseFilter(%q) accepted property %q", s, prop)
		}
	})
}

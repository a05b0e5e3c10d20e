package directory

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := newPasswordHasher(defaultParams)
	enc, err := h.hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with the default parameters", enc)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"correct horse battery ", false},
		{"", false},
	} {
		ok, rehash, err := h.verify(ctx, enc, tc.pw)
		if err != nil || ok != tc.want || rehash {
			t.Errorf("verify(%q) = %v, %v, %v; want %v, false, nil", tc.pw, ok, rehash, err, tc.want)
		}
	}
	// Two hashes of one password differ (random salt).
	enc2, _ := h.hash(ctx, "correct horse battery")
	if enc2 == enc {
		t.Error("two hashes of the same password are equal: salt is not random")
	}
}

func TestPasswordParamsReadFromHash(t *testing.T) {
	ctx := context.Background()
	old := newPasswordHasher(argonParams{memory: 64, time: 1, threads: 1, keyLen: 32})
	enc, err := old.hash(ctx, "password-1")
	if err != nil {
		t.Fatal(err)
	}
	cur := newPasswordHasher(defaultParams)
	ok, rehash, err := cur.verify(ctx, enc, "password-1")
	if err != nil || !ok || !rehash {
		t.Fatalf("verify with old params = %v, %v, %v; want true, true (rehash), nil", ok, rehash, err)
	}
}

func TestDecodePHCRejectsMalformed(t *testing.T) {
	good, _ := newPasswordHasher(argonParams{memory: 64, time: 1, threads: 1, keyLen: 32}).hash(context.Background(), "x")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for name, s := range map[string]string{
		"empty":            "",
		"argon2i":          "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"old version":      "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"missing version":  "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"params reordered": "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"zero time":        "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"negative":         "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"huge memory":      "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key,
		"huge time":        "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"too many threads": "$argon2id$v=19$m=64,t=1,p=255$" + salt + "$" + key,
		"memory < 8p":      "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key,
		"extra param":      "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + key,
		"bad salt b64":     "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key,
		"padded b64":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"short salt":       "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key,
		"short key":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA",
		"missing key":      "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"trailing field":   good + "$x",
		"no leading $":     strings.TrimPrefix(good, "$"),
		"overflow":         "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key,
	} {
		if _, _, _, err := decodePHC(s); !errors.Is(err, errMalformedHash) {
			t.Errorf("%s: decodePHC(%q) err = %v, want errMalformedHash", name, s, err)
		}
	}
	if _, _, _, err := decodePHC(good); err != nil {
		t.Fatalf("decodePHC(good) = %v", err)
	}
}

func TestDummyHashIsWellFormed(t *testing.T) {
	h := newPasswordHasher(defaultParams)
	p, _, _, err := decodePHC(h.dummy())
	if err != nil || p != defaultParams {
		t.Fatalf("dummy hash: params %+v, err %v; want the current params", p, err)
	}
}

func BenchmarkPasswordVerify(b *testing.B) {
	ctx := context.Background()
	h := newPasswordHasher(defaultParams)
	enc, _ := h.hash(ctx, "correct horse battery")
	for b.Loop() {
		if ok, _, _ := h.verify(ctx, enc, "correct horse battery"); !ok {
			b.Fatal("no match")
		}
	}
}

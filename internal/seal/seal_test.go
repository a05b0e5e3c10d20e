package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "master.key")
	s1, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != KeySize {
		t.Fatalf("key file mode %v size %d", fi.Mode().Perm(), fi.Size())
	}
	sealed, err := s1.Seal([]byte("secret"), []byte("kid-1"))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LoadOrCreate(path) // reloads the same key
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Open(sealed, []byte("kid-1"))
	if err != nil || string(got) != "secret" {
		t.Fatalf("Open after reload = %q, %v", got, err)
	}
}

func TestLoadOrCreateRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		mode    os.FileMode
		want    string
	}{
		{"world readable", make([]byte, KeySize), 0o644, "must not be readable"},
		{"group readable", make([]byte, KeySize), 0o640, "must not be readable"},
		{"short", make([]byte, 16), 0o600, "is 16 bytes"},
		{"long", make([]byte, 33), 0o600, "is 33 bytes"},
		{"empty", nil, 0o600, "is 0 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, tt.content, tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOrCreate(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want containing %q", err, tt.want)
			}
			// The bad file is left untouched.
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, tt.content) {
				t.Fatal("file was modified")
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	s, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	pt := []byte("private key bytes")
	a, _ := s.Seal(pt, []byte("ad"))
	b, _ := s.Seal(pt, []byte("ad"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are equal: nonce not random")
	}
	if bytes.Contains(a, pt) {
		t.Fatal("plaintext visible in sealed value")
	}
	flip := func(i int) []byte { c := bytes.Clone(a); c[i] ^= 1; return c }
	bad := []struct {
		name   string
		sealed []byte
		ad     string
		s      *Sealer
	}{
		{"wrong additional data", a, "other", s},
		{"wrong master key", a, "ad", other},
		{"version byte", flip(0), "ad", s},
		{"key id", flip(2), "ad", s},
		{"nonce", flip(headerLen + 1), "ad", s},
		{"ciphertext", flip(len(a) - 1), "ad", s},
		{"truncated", a[:headerLen+nonceLen+3], "ad", s},
		{"empty", nil, "ad", s},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.s.Open(tt.sealed, []byte(tt.ad)); !errors.Is(err, ErrOpen) {
				t.Fatalf("Open = %v, want ErrOpen", err)
			}
		})
	}
	got, err := s.Open(a, []byte("ad"))
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := New(key[:31]); err == nil {
		t.Fatal("New accepted a 31-byte key")
	}
}

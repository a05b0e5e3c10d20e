package seal

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lanyardhq/lanyard/internal/atomicfile"
)

// LoadOrCreate reads the master key from path, creating it (32 random bytes,
// mode 0600) if the file does not exist. A file that others can read or that
// has the wrong size is refused rather than used: a leaked or truncated
// master key must be noticed, not papered over.
func LoadOrCreate(path string) (*Sealer, error) {
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
		if errors.Is(err, fs.ErrExist) { // another process won the race
			key, err = readKey(path)
		}
	}
	if err != nil {
		return nil, err
	}
	return New(key)
}

func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: master key %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("seal: master key %s has mode %04o; it must not be readable by group or others (chmod 600 %s)", path, perm, path)
	}
	if fi.Size() != KeySize {
		return nil, fmt.Errorf("seal: master key %s is %d bytes, want %d; refusing to use it", path, fi.Size(), KeySize)
	}
	key := make([]byte, KeySize)
	if _, err := f.ReadAt(key, 0); err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	return key, nil
}

func createKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("seal: master key directory: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	// Linked into place complete, so a crash never leaves a short key file
	// behind and a concurrent creator gets ErrExist.
	if err := atomicfile.Create(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	return key, nil
}

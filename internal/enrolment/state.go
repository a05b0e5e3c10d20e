package enrolment

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/lanyardhq/lanyard/internal/atomicfile"
)

// Files inside the state directory.
const (
	keyFile  = "key.pem"
	certFile = "cert.pem"
	caFile   = "ca.crt"
	hostFile = "host.json"
	// nextKeyFile holds a renewal's new key until its certificate is on
	// disk, so a crash between the two writes never leaves a key.pem that
	// does not match cert.pem (see finishRenewal).
	nextKeyFile = "key.next.pem"
)

// ErrNotEnrolled means the state directory holds no enrolment.
var ErrNotEnrolled = errors.New("enrolment: no enrolment in the state directory")

// hostInfo is host.json.
type hostInfo struct {
	Server     string    `json:"server"`
	HostID     string    `json:"hostId"`
	ExpiresOn  time.Time `json:"expiresOn"`
	RenewAfter time.Time `json:"renewAfter"`
}

// identity is the certificate the client currently presents. It is swapped
// as a whole (atomic.Pointer) so a handshake never sees a new certificate
// with an old key.
type identity struct {
	cert       tls.Certificate
	leaf       *x509.Certificate
	expiresOn  time.Time
	renewAfter time.Time
}

func serialHex(c *x509.Certificate) string { return fmt.Sprintf("%x", c.SerialNumber) }

// readHostInfo reads host.json; ErrNotEnrolled if it is absent.
func readHostInfo(dir string) (hostInfo, error) {
	var h hostInfo
	data, err := os.ReadFile(filepath.Join(dir, hostFile))
	if errors.Is(err, fs.ErrNotExist) {
		return h, ErrNotEnrolled
	}
	if err != nil {
		return h, fmt.Errorf("enrolment: %w", err)
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return h, fmt.Errorf("enrolment: %s: %w", filepath.Join(dir, hostFile), err)
	}
	if h.Server == "" || h.HostID == "" {
		return h, fmt.Errorf("enrolment: %s lacks server or hostId", filepath.Join(dir, hostFile))
	}
	return h, nil
}

// saveCertificate writes a (new) key and its certificate. The key goes to
// key.next.pem first and is renamed over key.pem only once cert.pem is
// written: whatever moment a crash happens at, Load finds a matching pair.
func saveCertificate(dir string, key *ecdsa.PrivateKey, certDER []byte) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(dir, nextKeyFile, pemBytes("PRIVATE KEY", keyDER), 0o600); err != nil {
		return err
	}
	if err := writeFileAtomic(dir, certFile, pemBytes("CERTIFICATE", certDER), 0o644); err != nil {
		return err
	}
	return os.Rename(filepath.Join(dir, nextKeyFile), filepath.Join(dir, keyFile))
}

func saveHostInfo(dir string, h hostInfo) error {
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(dir, hostFile, append(data, '\n'), 0o644)
}

func pemBytes(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// writeFileAtomic writes dir/name through a temporary file and a rename, so
// readers (and a restart after a crash) see the old or the new content.
func writeFileAtomic(dir, name string, data []byte, mode os.FileMode) error {
	return atomicfile.Write(filepath.Join(dir, name), data, mode)
}

// ensureDir creates the state directory 0700, or checks an existing one is
// not open to others: it holds a private key.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("enrolment: state directory: %w", err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("enrolment: state directory: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("enrolment: state directory %s has mode %04o; it will hold a private key, so it must be 0700 (chmod 700 it, or name a new directory)", dir, info.Mode().Perm())
	}
	return nil
}

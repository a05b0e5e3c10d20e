package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// Sealed layout: version (1 byte) | key ID (4 bytes) | nonce (12) | GCM output.
// The key ID names the master key that sealed the value, so that a rotated
// master key can coexist with the old one while values are re-sealed.
const (
	version1  = 1
	keyIDLen  = 4
	headerLen = 1 + keyIDLen
	nonceLen  = 12
	// KeySize is the size of a master key in bytes (AES-256).
	KeySize = 32
)

// ErrOpen is returned when a sealed value cannot be opened: it was tampered
// with, sealed under another master key or with other additional data.
var ErrOpen = errors.New("seal: cannot open sealed value")

// Sealer seals and opens values with one master key. It is safe for
// concurrent use.
type Sealer struct {
	keyID uint32
	aead  cipher.AEAD
}

// New returns a Sealer for a 32-byte master key.
func New(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("seal: master key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	// The ID is a hash of the key, not a counter, so two installations never
	// mistake each other's keys and no state is needed to assign it.
	sum := sha256.Sum256(append([]byte("lanyard seal key id\x00"), key...))
	return &Sealer{keyID: binary.BigEndian.Uint32(sum[:keyIDLen]), aead: aead}, nil
}

// KeyID identifies the master key in sealed values.
func (s *Sealer) KeyID() uint32 { return s.keyID }

// Seal encrypts plaintext, binding it to additionalData (for example the
// record's ID, so a sealed value cannot be moved to another record).
func (s *Sealer) Seal(plaintext, additionalData []byte) ([]byte, error) {
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plaintext)+s.aead.Overhead())
	out[0] = version1
	binary.BigEndian.PutUint32(out[1:headerLen], s.keyID)
	nonce := out[headerLen:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return s.aead.Seal(out, nonce, plaintext, aad(out[:headerLen], additionalData)), nil
}

// Open decrypts a value made by Seal with the same additionalData.
func (s *Sealer) Open(sealed, additionalData []byte) ([]byte, error) {
	if len(sealed) < headerLen+nonceLen+s.aead.Overhead() {
		return nil, fmt.Errorf("%w: too short", ErrOpen)
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrOpen, sealed[0])
	}
	if id := binary.BigEndian.Uint32(sealed[1:headerLen]); id != s.keyID {
		return nil, fmt.Errorf("%w: sealed under master key %08x, this key is %08x", ErrOpen, id, s.keyID)
	}
	nonce := sealed[headerLen : headerLen+nonceLen]
	pt, err := s.aead.Open(nil, nonce, sealed[headerLen+nonceLen:], aad(sealed[:headerLen], additionalData))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrOpen)
	}
	return pt, nil
}

// aad authenticates the header too, so the version and key ID cannot be
// altered without detection.
func aad(header, additionalData []byte) []byte {
	b := make([]byte, 0, len(header)+len(additionalData))
	return append(append(b, header...), additionalData...)
}

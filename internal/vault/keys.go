package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/store"
)

// keyring hands out vaults' data keys, unwrapping each once: a GET must
// not pay for an unseal. An entry is valid only for the vault resource it
// was made for (same ID and creation time): a vault deleted and re-created
// under the same ID has a new key (the store cascade removed the old one).
type keyring struct {
	store  Store
	sealer *seal.Sealer
	now    func() time.Time

	mu   sync.RWMutex
	keys map[string]dataKey // by lower-case vault ID
}

type dataKey struct {
	vaultCreated time.Time
	aead         cipher.AEAD
}

// keyAAD binds a sealed data key to its vault and generation, so a sealed
// key copied to another vault's row does not open.
func keyAAD(vaultID, generation string) []byte {
	return []byte("lanyard vault data key\x00" + strings.ToLower(vaultID) + "\x00" + generation)
}

// forVault returns vault's data key, creating it first if create is set
// (a vault gets its key with its first secret).
func (k *keyring) forVault(ctx context.Context, vault store.Resource, create bool) (cipher.AEAD, error) {
	id := strings.ToLower(vault.ID)
	k.mu.RLock()
	dk, ok := k.keys[id]
	k.mu.RUnlock()
	if ok && dk.vaultCreated.Equal(vault.CreatedAt) {
		return dk.aead, nil
	}
	row, err := k.store.GetVaultKey(ctx, vault.ID)
	if errors.Is(err, store.ErrNotFound) && create {
		row, err = k.create(ctx, vault.ID)
	}
	if err != nil {
		return nil, err
	}
	raw, err := k.sealer.Open(row.Sealed, keyAAD(vault.ID, row.Generation))
	if err != nil {
		return nil, fmt.Errorf("vault: data key of %s: %w", vault.ID, err)
	}
	aead, err := newAEAD(raw)
	clear(raw)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys[id] = dataKey{vaultCreated: vault.CreatedAt, aead: aead}
	k.mu.Unlock()
	return aead, nil
}

// create makes and stores a key unless a concurrent request did first.
func (k *keyring) create(ctx context.Context, vaultID string) (store.VaultKey, error) {
	var out store.VaultKey
	err := k.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.GetVaultKey(ctx, vaultID); !errors.Is(err, store.ErrNotFound) {
			return err
		}
		raw := make([]byte, 32)
		gen := make([]byte, 16)
		rand.Read(raw)
		rand.Read(gen)
		out = store.VaultKey{VaultID: vaultID, Generation: hex.EncodeToString(gen), CreatedAt: k.now()}
		out.Sealed, err = k.sealer.Seal(raw, keyAAD(vaultID, out.Generation))
		clear(raw)
		if err != nil {
			return err
		}
		return tx.CreateVaultKey(ctx, out)
	})
	return out, err
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: data key: %w", err)
	}
	return cipher.NewGCM(block)
}

// valueAAD binds a ciphertext to its vault, secret and version: a row
// moved to another vault, name or version fails to open.
func valueAAD(vaultID, name, version string) []byte {
	return []byte(strings.ToLower(vaultID) + "\x00" + strings.ToLower(name) + "\x00" + strings.ToLower(version))
}

// encrypt returns nonce | AES-256-GCM(value).
func encrypt(aead cipher.AEAD, value, aad []byte) []byte {
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(value)+aead.Overhead())
	rand.Read(out) // never fails (crypto/rand)
	return aead.Seal(out, out[:aead.NonceSize()], value, aad)
}

var errOpen = errors.New("vault: secret value does not open under the vault's key")

func decrypt(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errOpen
	}
	pt, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, errOpen
	}
	return pt, nil
}

// newVersion is a version ID: 32 lower-case hex digits, as Azure's.
func newVersion() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

package signing

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Key lifetimes. A key signs for SigningPeriod (or until a newer key is
// active), then stays published for PublishAfterRetire so that tokens it
// signed (at most 24 h for managed identities) can still be verified.
const (
	SigningPeriod      = 90 * 24 * time.Hour
	PublishAfterRetire = 48 * time.Hour
)

// ErrNoKey is returned by Sign when no key is usable (Load not called, or
// every key retired).
var ErrNoKey = errors.New("signing: no current signing key")

// KeySet is the set of signing keys. It is safe for concurrent use.
type KeySet struct {
	store  store.Keys
	sealer *seal.Sealer
	alg    string
	now    func() time.Time

	mu        sync.RWMutex
	keys      []*key // sorted by ActiveAt, oldest first
	jwks      []byte
	jwksUntil time.Time // when a published key expires
}

type key struct {
	rec    store.SigningKey // Private cleared
	pub    crypto.PublicKey
	signer jose.Signer
}

// New returns a KeySet; call Load before use. alg is "RS256" (the default
// when empty) or "ES256".
func New(keys store.Keys, sealer *seal.Sealer, alg string, now func() time.Time) *KeySet {
	if alg == "" {
		alg = RS256
	}
	if now == nil {
		now = time.Now
	}
	return &KeySet{store: keys, sealer: sealer, alg: alg, now: now}
}

// Load reads and unseals the stored keys, deletes expired ones, and creates
// a key if none can sign with the configured algorithm. Call it again to
// pick up keys added by another replica.
func (ks *KeySet) Load(ctx context.Context) error {
	recs, err := ks.store.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("signing: list keys: %w", err)
	}
	now := ks.now()
	var loaded []*key
	for _, r := range recs {
		if !r.ExpireAt.IsZero() && !now.Before(r.ExpireAt) {
			if err := ks.store.DeleteKey(ctx, r.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("signing: delete expired key %s: %w", r.ID, err)
			}
			continue
		}
		k, err := ks.open(r)
		if err != nil {
			return err
		}
		loaded = append(loaded, k)
	}
	ks.install(loaded)
	if _, ok := ks.current(now); !ok {
		return ks.Rotate(ctx)
	}
	return nil
}

// Rotate creates a new key that signs from now on. Older keys stay published
// until they expire.
func (ks *KeySet) Rotate(ctx context.Context) error {
	priv, err := generate(ks.alg)
	if err != nil {
		return err
	}
	kid, err := keyID(priv.Public())
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("signing: marshal key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return fmt.Errorf("signing: marshal public key: %w", err)
	}
	sealed, err := ks.sealer.Seal(der, []byte(kid))
	if err != nil {
		return fmt.Errorf("signing: seal key: %w", err)
	}
	now := ks.now()
	rec := store.SigningKey{
		ID: kid, Algorithm: ks.alg, Private: sealed, Public: pubDER,
		CreatedAt: now, ActiveAt: now,
		RetireAt: now.Add(SigningPeriod), ExpireAt: now.Add(SigningPeriod + PublishAfterRetire),
	}
	if err := ks.store.PutKey(ctx, rec); err != nil {
		return fmt.Errorf("signing: store key: %w", err)
	}
	k, err := newKey(rec, priv)
	if err != nil {
		return err
	}
	ks.mu.RLock()
	keys := append(slices.Clone(ks.keys), k)
	ks.mu.RUnlock()
	ks.install(keys)
	return nil
}

// RotateIfDue rotates when the current key has signed for longer than
// period, so a long-running server never reaches a key's RetireAt.
func (ks *KeySet) RotateIfDue(ctx context.Context, period time.Duration) error {
	now := ks.now()
	ks.mu.RLock()
	cur, ok := ks.current(now)
	ks.mu.RUnlock()
	if ok && now.Sub(cur.rec.ActiveAt) < period && now.Add(period/10).Before(cur.rec.RetireAt) {
		return nil
	}
	return ks.Rotate(ctx)
}

func (ks *KeySet) open(r store.SigningKey) (*key, error) {
	der, err := ks.sealer.Open(r.Private, []byte(r.ID))
	if err != nil {
		return nil, fmt.Errorf("signing: unseal key %s (wrong master key?): %w", r.ID, err)
	}
	priv, err := parsePrivate(der, r.Algorithm)
	clear(der)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: %w", r.ID, err)
	}
	if kid, err := keyID(priv.Public()); err != nil || kid != r.ID {
		return nil, fmt.Errorf("signing: key %s does not match its ID", r.ID)
	}
	return newKey(r, priv)
}

func newKey(r store.SigningKey, priv crypto.Signer) (*key, error) {
	r.Private = nil
	opts := (&jose.SignerOptions{}).WithType("JWT")
	s, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.SignatureAlgorithm(r.Algorithm),
		Key:       jose.JSONWebKey{Key: priv, KeyID: r.ID, Algorithm: r.Algorithm},
	}, opts)
	if err != nil {
		return nil, fmt.Errorf("signing: signer for %s: %w", r.ID, err)
	}
	return &key{rec: r, pub: priv.Public(), signer: s}, nil
}

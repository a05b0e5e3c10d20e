package signing

import (
	"crypto"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// install replaces the key list and re-encodes the JWKS.
func (ks *KeySet) install(keys []*key) {
	slices.SortStableFunc(keys, func(a, b *key) int { return a.rec.ActiveAt.Compare(b.rec.ActiveAt) })
	keys = slices.CompactFunc(keys, func(a, b *key) bool { return a.rec.ID == b.rec.ID })
	ks.mu.Lock()
	ks.keys = keys
	ks.encodeJWKS(ks.now())
	ks.mu.Unlock()
}

// encodeJWKS encodes the published keys (newest first, as Entra lists them)
// and remembers when the first of them expires, when it must be redone.
// Callers hold ks.mu for writing.
func (ks *KeySet) encodeJWKS(now time.Time) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	ks.jwksUntil = time.Time{}
	for _, k := range slices.Backward(ks.keys) {
		if exp := k.rec.ExpireAt; !exp.IsZero() {
			if !now.Before(exp) {
				continue
			}
			if ks.jwksUntil.IsZero() || exp.Before(ks.jwksUntil) {
				ks.jwksUntil = exp
			}
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.pub, KeyID: k.rec.ID, Algorithm: k.rec.Algorithm, Use: "sig"})
	}
	b, err := json.Marshal(set)
	if err != nil {
		panic(fmt.Sprintf("signing: encode JWKS: %v", err)) // only RSA/EC public keys reach here
	}
	ks.jwks = b
}

// current is the newest key of the configured algorithm that is active and
// not retired. Callers hold ks.mu (or own ks exclusively).
func (ks *KeySet) current(now time.Time) (*key, bool) {
	for _, k := range slices.Backward(ks.keys) {
		r := k.rec
		if r.Algorithm == ks.alg && !now.Before(r.ActiveAt) && (r.RetireAt.IsZero() || now.Before(r.RetireAt)) {
			return k, true
		}
	}
	return nil, false
}

// Sign signs payload (JWT claims) with the current key and returns the
// compact JWS and the key ID.
func (ks *KeySet) Sign(payload []byte) (token, kid string, err error) {
	ks.mu.RLock()
	k, ok := ks.current(ks.now())
	ks.mu.RUnlock()
	if !ok {
		return "", "", ErrNoKey
	}
	jws, err := k.signer.Sign(payload)
	if err != nil {
		return "", "", fmt.Errorf("signing: sign with %s: %w", k.rec.ID, err)
	}
	token, err = jws.CompactSerialize()
	if err != nil {
		return "", "", fmt.Errorf("signing: serialize: %w", err)
	}
	return token, k.rec.ID, nil
}

// CurrentKeyID is the ID of the key Sign uses now ("" if none).
func (ks *KeySet) CurrentKeyID() string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if k, ok := ks.current(ks.now()); ok {
		return k.rec.ID
	}
	return ""
}

// PublicKey returns the public key for kid if it is published (not expired).
func (ks *KeySet) PublicKey(kid string) (crypto.PublicKey, bool) {
	now := ks.now()
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	for _, k := range ks.keys {
		if k.rec.ID == kid {
			if !k.rec.ExpireAt.IsZero() && !now.Before(k.rec.ExpireAt) {
				return nil, false
			}
			return k.pub, true
		}
	}
	return nil, false
}

// JWKS is the pre-encoded {"keys":[...]} document of every key that is not
// yet expired: the current key, newer ones and retired ones still needed to
// verify tokens in circulation.
func (ks *KeySet) JWKS() []byte {
	now := ks.now()
	ks.mu.RLock()
	b, stale := ks.jwks, !ks.jwksUntil.IsZero() && !now.Before(ks.jwksUntil)
	ks.mu.RUnlock()
	if !stale {
		return b
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.encodeJWKS(now)
	return ks.jwks
}

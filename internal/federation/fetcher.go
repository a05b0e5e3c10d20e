package federation

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Defaults for Config.
const (
	DefaultTimeout = 10 * time.Second
	DefaultTTL     = time.Hour
	// DefaultRefetch is the least time between two fetches of one issuer's
	// keys, so tokens with made-up key IDs cannot make Lanyard hammer it.
	DefaultRefetch = time.Minute
	// MaxDocument bounds a discovery document or JWKS.
	MaxDocument = 1 << 20
)

// Errors from Key; each wraps exactly one.
var (
	// ErrUnknownKey: the issuer publishes no key with that ID.
	ErrUnknownKey = errors.New("federation: unknown signing key")
	// ErrIssuer: the issuer's discovery or JWKS could not be fetched or is invalid.
	ErrIssuer = errors.New("federation: issuer metadata unavailable")
)

// Config configures a Fetcher.
type Config struct {
	// ExtraRoots are trusted besides the system roots (Lanyard's own CA, so
	// its tokens can be federated credentials of other apps).
	ExtraRoots []*x509.Certificate
	Timeout    time.Duration // per fetch; 0 → DefaultTimeout
	TTL        time.Duration // keys are refetched after this; 0 → DefaultTTL
	Refetch    time.Duration // 0 → DefaultRefetch
	Now        func() time.Time
}

// Fetcher fetches and caches issuers' signing keys. Callers must only pass
// issuers some federated credential names: Fetcher fetches whatever it is
// given.
type Fetcher struct {
	cfg    Config
	client *http.Client

	mu      sync.Mutex
	issuers map[string]*issuerKeys
}

// issuerKeys is one issuer's cache; mu serialises its fetches so a burst of
// requests costs one round trip.
type issuerKeys struct {
	mu        sync.Mutex
	keys      []jose.JSONWebKey
	fetchedAt time.Time // last attempt, successful or not
	err       error     // last attempt's error
}

// New returns a Fetcher trusting the system roots plus cfg.ExtraRoots.
func New(cfg Config) (*Fetcher, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Refetch <= 0 {
		cfg.Refetch = DefaultRefetch
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	for _, c := range cfg.ExtraRoots {
		pool.AddCert(c)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	client := &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "https" || len(via) > 3 {
				return errors.New("redirect refused")
			}
			return nil
		},
	}
	return &Fetcher{cfg: cfg, client: client, issuers: map[string]*issuerKeys{}}, nil
}

// Key returns the public key kid of issuer, fetching the issuer's discovery
// document and JWKS when they are not cached, are older than the TTL, or
// (at most once per Refetch interval) when kid is unknown. An empty kid
// matches only when the issuer publishes exactly one key.
func (f *Fetcher) Key(ctx context.Context, issuer, kid string) (jose.JSONWebKey, error) {
	if err := CheckIssuer(issuer); err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("%w: %v", ErrIssuer, err)
	}
	f.mu.Lock()
	ik := f.issuers[issuer]
	if ik == nil {
		ik = &issuerKeys{}
		f.issuers[issuer] = ik
	}
	f.mu.Unlock()

	ik.mu.Lock()
	defer ik.mu.Unlock()
	now := f.cfg.Now()
	age := now.Sub(ik.fetchedAt)
	fresh := !ik.fetchedAt.IsZero() && age < f.cfg.TTL && ik.err == nil
	if fresh {
		if k, ok := find(ik.keys, kid); ok {
			return k, nil
		}
	}
	if !ik.fetchedAt.IsZero() && age < f.cfg.Refetch {
		if ik.err != nil {
			return jose.JSONWebKey{}, ik.err
		}
		return jose.JSONWebKey{}, fmt.Errorf("%w: %q", ErrUnknownKey, clip(kid))
	}
	keys, err := f.fetch(ctx, issuer)
	ik.fetchedAt = now
	if err != nil {
		ik.err = fmt.Errorf("%w: %v", ErrIssuer, err)
		return jose.JSONWebKey{}, ik.err
	}
	ik.keys, ik.err = keys, nil
	if k, ok := find(keys, kid); ok {
		return k, nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("%w: %q", ErrUnknownKey, clip(kid))
}

func find(keys []jose.JSONWebKey, kid string) (jose.JSONWebKey, bool) {
	if kid == "" {
		if len(keys) == 1 {
			return keys[0], true
		}
		return jose.JSONWebKey{}, false
	}
	for _, k := range keys {
		if k.KeyID == kid {
			return k, true
		}
	}
	return jose.JSONWebKey{}, false
}

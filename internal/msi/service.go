package msi

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// DefaultLifetime is the lifetime of managed-identity tokens, as Azure's.
const DefaultLifetime = 24 * time.Hour

// DefaultMaxCached bounds the token cache (one entry per identity and
// audience); beyond it the oldest entries are evicted.
const DefaultMaxCached = 100_000

// Store is what the service reads: resources, attachments and the
// managed-identity principals. store.Resources is whole because
// resources.LoadAppSettings takes it; nothing here writes.
type Store interface {
	store.Resources
	GetPrincipal(ctx context.Context, id string) (store.Principal, error)
	GetPrincipalByClientID(ctx context.Context, clientID string) (store.Principal, error)
	GetPrincipalByResourceID(ctx context.Context, resourceID string) (store.Principal, error)
}

// Config configures a Service.
type Config struct {
	Store  Store
	Issuer *tokens.Issuer
	// Lifetime of issued tokens; 0 → DefaultLifetime.
	Lifetime time.Duration
	// MaxCached bounds the token cache; 0 → DefaultMaxCached.
	MaxCached int
	// Logger receives the causes of server errors (never tokens); nil →
	// slog.Default().
	Logger *slog.Logger
	Now    func() time.Time
}

// Service issues managed-identity tokens to hosts. It is safe for
// concurrent use; one Service serves every host.
type Service struct {
	cfg   Config
	cache *cache
	// noCache makes every Token call mint (benchmarks of signing only).
	noCache bool
}

// New validates cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Issuer == nil {
		return nil, errors.New("msi: Store and Issuer are required")
	}
	if cfg.Lifetime < 0 || cfg.MaxCached < 0 {
		return nil, errors.New("msi: Lifetime and MaxCached must not be negative")
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = DefaultLifetime
	}
	if cfg.MaxCached == 0 {
		cfg.MaxCached = DefaultMaxCached
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, cache: newCache(cfg.MaxCached)}, nil
}

// For returns the fabric of one host: every call is made on behalf of a
// resource that must be placed on hostID (a VM resource ID, or
// fabric.LocalHost). The caller has authenticated the host.
func (s *Service) For(hostID string) fabric.Fabric {
	return &hostFabric{s: s, host: hostID}
}

// hostFabric is the Service seen from one host.
type hostFabric struct {
	s    *Service
	host string
}

// serverError logs cause and returns the error the host sees, which never
// carries store details.
func (s *Service) serverError(op string, cause error) *fabric.Error {
	s.cfg.Logger.Error("msi: "+op, "err", cause)
	return fabric.Errorf(fabric.CodeServerError, "The server could not %s; the cause is in its log.", op)
}

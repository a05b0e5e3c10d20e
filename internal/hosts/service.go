package hosts

import (
	"errors"
	"log/slog"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Defaults for Config.
const (
	DefaultCertLifetime      = 24 * time.Hour
	DefaultJoinTokenLifetime = 24 * time.Hour
)

// typeVM is the resource type of hosts.
const typeVM = "Microsoft.Compute/virtualMachines"

// Config holds the service's dependencies.
type Config struct {
	Store store.Store
	CA    *pki.CA
	// Authz authorizes the ARM actions (joinToken, revokeAgent).
	Authz rbac.Authorizer
	// Fabric returns the fabric API for one authenticated host (package
	// msi); the handler calls it for every token and app request.
	Fabric            func(hostID string) fabric.Fabric
	CertLifetime      time.Duration // 0 → DefaultCertLifetime
	JoinTokenLifetime time.Duration // 0 → DefaultJoinTokenLifetime
	Now               func() time.Time
	Log               *slog.Logger // nil → slog.Default()
}

// Service enrols and authenticates host agents. It keeps no state of its
// own: every decision reads the store, so a revocation takes effect on the
// agent's next call.
type Service struct {
	cfg Config
}

// New validates cfg and fills in defaults.
func New(cfg Config) (*Service, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("hosts: no store"))
	}
	if cfg.CA == nil {
		errs = append(errs, errors.New("hosts: no CA"))
	}
	if cfg.Fabric == nil {
		errs = append(errs, errors.New("hosts: no fabric"))
	}
	if cfg.CertLifetime < 0 || cfg.JoinTokenLifetime < 0 {
		errs = append(errs, errors.New("hosts: lifetimes must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.CertLifetime == 0 {
		cfg.CertLifetime = DefaultCertLifetime
	}
	if cfg.JoinTokenLifetime == 0 {
		cfg.JoinTokenLifetime = DefaultJoinTokenLifetime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{cfg: cfg}, nil
}

// errUnauthorized is the one answer to every failed join or certificate
// check, so that a caller cannot tell an unknown token from a used or
// expired one, or a revoked certificate from an unknown one.
func errUnauthorized() *fabric.Error {
	return fabric.Errorf(fabric.CodeUnauthorized, "the join token or client certificate is not valid for any enrolled host")
}

// errJoin is errUnauthorized's counterpart for join tokens.
func errJoin() *fabric.Error {
	return fabric.Errorf(fabric.CodeUnauthorized, "the join token is not valid: it is unknown, expired or already used; create a new one with 'lanyard host join-token'")
}

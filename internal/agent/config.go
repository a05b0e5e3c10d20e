package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// Config configures an Agent. Zero values take Azure's defaults.
type Config struct {
	Fabric fabric.Fabric
	// HostID names the host in logs; fabric.LocalHost for serve's built-in agent.
	HostID string
	// HostResource is the VM resource ID whose identities IMDS serves; ""
	// means IMDS has no identities (every token request: identity not found).
	HostResource string
	// IdentityAddr is the App Service listener; default "127.0.0.1:0". It
	// must be a loopback address: the endpoint is plain HTTP.
	IdentityAddr string
	// IMDSAddr is the IMDS listener ("" = none), e.g. "169.254.169.254:80".
	IMDSAddr string
	// SocketPath is the session socket ("" = none).
	SocketPath string
	// RateLimit is token-service fetches (cache misses) per second for the
	// whole host; 0 → 20 (Azure's per-VM limit); < 0 → unlimited.
	RateLimit float64
	// Burst is the token bucket's size; 0 → 20.
	Burst int
	// MaxConcurrent caps concurrent fetches; 0 → 5 (Azure); < 0 → unlimited.
	MaxConcurrent int
	// MaxStale is how long a cached token is served before the agent asks
	// the server again; 0 → 5m.
	MaxStale time.Duration
	Now      func() time.Time
	// Logger receives operational logs (never tokens or headers); nil → slog.Default().
	Logger *slog.Logger
}

const (
	defaultRate          = 20
	defaultBurst         = 20
	defaultMaxConcurrent = 5
	defaultMaxStale      = 5 * time.Minute
)

// withDefaults validates cfg and fills its zero values, reporting every
// problem at once.
func (cfg Config) withDefaults() (Config, error) {
	var errs []error
	if cfg.Fabric == nil {
		errs = append(errs, errors.New("agent: Fabric is required"))
	}
	if cfg.IdentityAddr == "" {
		cfg.IdentityAddr = "127.0.0.1:0"
	}
	if err := checkAddr(cfg.IdentityAddr, false); err != nil {
		errs = append(errs, fmt.Errorf("agent: IdentityAddr: %w", err))
	}
	if cfg.IMDSAddr != "" {
		if err := checkAddr(cfg.IMDSAddr, true); err != nil {
			errs = append(errs, fmt.Errorf("agent: IMDSAddr: %w", err))
		}
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = defaultRate
	}
	if cfg.Burst == 0 {
		cfg.Burst = defaultBurst
	}
	if cfg.Burst < 0 {
		errs = append(errs, fmt.Errorf("agent: Burst %d is negative", cfg.Burst))
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = defaultMaxConcurrent
	}
	if cfg.MaxStale == 0 {
		cfg.MaxStale = defaultMaxStale
	}
	if cfg.MaxStale < 0 {
		errs = append(errs, fmt.Errorf("agent: MaxStale %v is negative", cfg.MaxStale))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HostID == "" {
		cfg.HostID = fabric.LocalHost
	}
	return cfg, errors.Join(errs...)
}

// checkAddr accepts only IP literals that cannot be reached from another
// machine: tokens travel in clear over these listeners, so a wildcard or
// routable address would hand them to the network. IMDS may also use a
// link-local address (169.254.169.254), which is never routed.
func checkAddr(addr string, linkLocalOK bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%q is not an IP address", host)
	}
	if ip.IsLoopback() || (linkLocalOK && ip.IsLinkLocalUnicast()) {
		return nil
	}
	if linkLocalOK {
		return fmt.Errorf("%s is neither loopback nor link-local", ip)
	}
	return fmt.Errorf("%s is not a loopback address", ip)
}

package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is everything `lanyard serve` needs. The CLI resolves flags,
// environment and defaults into it; Run validates it.
type Config struct {
	DataDir       string        // holds the store, the CA, the master key
	Addr          string        // listen address, host:port
	PublicURL     string        // base URL clients use; the token issuer derives from it
	DNSNames      []string      // extra names for the server certificate
	TokenLifetime time.Duration // access tokens for people and applications
	LogLevel      string        // debug, info, warn, error
	LogFormat     string        // text or json

	// ManagedIdentityTokenLifetime is the lifetime of managed-identity
	// tokens (Azure's are 24 hours).
	ManagedIdentityTokenLifetime time.Duration
	// HostCertLifetime is the lifetime of host agents' client certificates;
	// agents renew at half of it.
	HostCertLifetime time.Duration
	// IdentityAddr is where the built-in agent serves the App Service
	// identity endpoint for apps run on this machine; "off" disables the
	// built-in agent.
	IdentityAddr string
	// AgentRateLimit, AgentBurst and AgentMaxConcurrent limit the built-in
	// agent's token fetches (cache misses); zero takes Azure's 20/s, 20
	// and 5, negative means unlimited (see package agent).
	AgentRateLimit     float64
	AgentBurst         int
	AgentMaxConcurrent int
	// FederationCAFiles are extra CA certificates (PEM) trusted when
	// fetching external issuers' OIDC documents for federated credentials,
	// besides the system roots and Lanyard's own CA.
	FederationCAFiles []string
	// Domain, when set, turns on host-style data-plane names,
	// {account}.blob.{Domain} and {vault}.vault.{Domain}, and adds
	// *.blob.{Domain} and *.vault.{Domain} to the server certificate.
	// Path-style URLs work either way.
	Domain string
}

// IdentityAddrOff disables the built-in agent.
const IdentityAddrOff = "off"

// Defaults fills zero fields.
func (c *Config) Defaults() {
	if c.DataDir == "" {
		c.DataDir = "./lanyard-data"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8443"
	}
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL(c.Addr)
	}
	if c.TokenLifetime == 0 {
		c.TokenLifetime = time.Hour
	}
	if c.ManagedIdentityTokenLifetime == 0 {
		c.ManagedIdentityTokenLifetime = 24 * time.Hour
	}
	if c.HostCertLifetime == 0 {
		c.HostCertLifetime = 24 * time.Hour
	}
	if c.IdentityAddr == "" {
		c.IdentityAddr = DefaultIdentityAddr
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
}

// DefaultIdentityAddr is the built-in agent's App Service endpoint.
const DefaultIdentityAddr = "127.0.0.1:42356"

// DefaultPublicURL derives the URL clients reach addr at: a wildcard host
// becomes localhost, since a certificate cannot name "0.0.0.0".
func DefaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "https://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "https://" + net.JoinHostPort(host, port)
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data directory is required"))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("listen address %q: %w", c.Addr, err))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		errs = append(errs, fmt.Errorf("public URL %q must be an https URL with no path (the Azure SDKs drop authority paths)", c.PublicURL))
	}
	if c.TokenLifetime < 5*time.Minute || c.TokenLifetime > 24*time.Hour {
		errs = append(errs, fmt.Errorf("token lifetime %s must be between 5m and 24h (MSAL never caches tokens that live 5 minutes or less)", c.TokenLifetime))
	}
	if c.ManagedIdentityTokenLifetime < 10*time.Minute || c.ManagedIdentityTokenLifetime > 24*time.Hour {
		errs = append(errs, fmt.Errorf("managed-identity token lifetime %s must be between 10m and 24h", c.ManagedIdentityTokenLifetime))
	}
	if c.HostCertLifetime < 2*time.Minute || c.HostCertLifetime > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("host certificate lifetime %s must be between 2m and 720h", c.HostCertLifetime))
	}
	if c.IdentityAddr != IdentityAddrOff {
		if host, _, err := net.SplitHostPort(c.IdentityAddr); err != nil {
			errs = append(errs, fmt.Errorf("identity endpoint address %q: %w", c.IdentityAddr, err))
		} else if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			// The App Service protocol is plain HTTP guarded only by the
			// per-process header: it must never leave the machine.
			errs = append(errs, fmt.Errorf("identity endpoint address %q must be a loopback IP address (or %q)", c.IdentityAddr, IdentityAddrOff))
		}
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q must be debug, info, warn or error", c.LogLevel))
	}
	if c.Domain != "" && !validDomain(c.Domain) {
		errs = append(errs, fmt.Errorf("domain %q must be a lower-case DNS name such as lanyard.internal (no scheme, port or trailing dot)", c.Domain))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q must be text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// publicBase is PublicURL without a trailing slash.
func (c Config) publicBase() string { return strings.TrimSuffix(c.PublicURL, "/") }

// validDomain accepts lower-case DNS names of two or more labels.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 200 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// certNames are the DNS names the server certificate must carry.
func (c Config) certNames() []string {
	if c.Domain == "" {
		return c.DNSNames
	}
	return append(append([]string{}, c.DNSNames...), c.Domain, "*.blob."+c.Domain, "*.vault."+c.Domain)
}

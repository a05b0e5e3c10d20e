package tokenauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// Defaults for the zero values of Options.
const (
	DefaultDecisionTTL     = 30 * time.Second
	DefaultSkew            = time.Minute
	DefaultRefreshInterval = 30 * time.Second
	DefaultKeyMaxAge       = time.Hour
	DefaultMaxTokenSize    = 16 << 10
)

// ManagementScope is the scope of the token Require presents to Lanyard's
// check-access API.
const ManagementScope = "https://management.azure.com/.default"

// Options configure an Authenticator. Issuer and Audiences are required.
type Options struct {
	// Issuer is the exact iss of accepted tokens, e.g.
	// "https://lanyard.example:8443/<tenant>/v2.0". Its OIDC discovery
	// document names the JWKS.
	Issuer string
	// Audiences are the accepted aud values (one trailing slash ignored),
	// e.g. "api://orders" or the service's appId.
	Audiences []string
	// HTTPClient fetches discovery, keys and access decisions; give it a
	// transport that trusts Lanyard's CA. Nil is http.DefaultClient.
	HTTPClient *http.Client

	// Credential is the service's own identity, used only by Require to
	// call check-access. Checking another principal needs
	// Microsoft.Authorization/roleAssignments/read at the scope (the
	// built-in Reader role at or above it will do).
	Credential azcore.TokenCredential
	// Server is Lanyard's base URL for check-access; "" is the issuer's
	// scheme and host.
	Server string
	// DecisionTTL is how long an allow or deny is reused (default 30 s); a
	// revoked role is honoured at most this late.
	DecisionTTL time.Duration

	// Skew is the clock tolerance on exp and nbf (default 1 minute).
	Skew time.Duration
	// RefreshInterval is the least time between two key fetches caused by
	// unknown kids (default 30 s), so forged kids cannot flood the issuer.
	RefreshInterval time.Duration
	// KeyMaxAge is how long fetched keys are trusted before they are
	// fetched again in the background (default 1 h), so a withdrawn key
	// stops verifying.
	KeyMaxAge time.Duration
	// MaxTokenSize bounds the bearer token in bytes (default 16 KiB).
	MaxTokenSize int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Logger receives causes of failures (never tokens); nil is slog.Default().
	Logger *slog.Logger
}

// withDefaults validates o and fills its zero values.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	o.Issuer = strings.TrimSpace(o.Issuer)
	if u, err := url.Parse(o.Issuer); o.Issuer == "" || err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		errs = append(errs, fmt.Errorf("tokenauth: Issuer must be an absolute http(s) URL, got %q", o.Issuer))
	}
	if len(o.Audiences) == 0 {
		errs = append(errs, errors.New("tokenauth: at least one Audience is required"))
	}
	for _, a := range o.Audiences {
		if strings.TrimSuffix(strings.TrimSpace(a), "/") == "" {
			errs = append(errs, errors.New("tokenauth: Audiences must not contain empty values"))
		}
	}
	if o.Server == "" {
		if u, err := url.Parse(o.Issuer); err == nil {
			o.Server = u.Scheme + "://" + u.Host
		}
	}
	o.Server = strings.TrimSuffix(o.Server, "/")
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.DecisionTTL <= 0 {
		o.DecisionTTL = DefaultDecisionTTL
	}
	if o.Skew <= 0 {
		o.Skew = DefaultSkew
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = DefaultRefreshInterval
	}
	if o.KeyMaxAge <= 0 {
		o.KeyMaxAge = DefaultKeyMaxAge
	}
	if o.MaxTokenSize <= 0 {
		o.MaxTokenSize = DefaultMaxTokenSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, errors.Join(errs...)
}

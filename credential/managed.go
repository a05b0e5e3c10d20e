package credential

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const miName = "ManagedIdentityCredential"

// The two managed-identity protocols (PROTOCOLS §1.3, §1.4).
const (
	imdsPath          = "/metadata/identity/oauth2/token"
	imdsAPIVersion    = "2018-02-01"
	appServiceVersion = "2019-08-01"
)

// imdsAddr and dialIMDS are variables so tests can point the probe and the
// token request at a local server instead of the real link-local address.
var (
	imdsAddr = "169.254.169.254:80"
	dialIMDS = func(ctx context.Context, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
)

// ManagedIdentityCredential gets the token of the identity the platform
// (or `lanyard run`) gives this process: through the App Service protocol
// when IDENTITY_ENDPOINT and IDENTITY_HEADER are set, else through IMDS.
type ManagedIdentityCredential struct {
	idKind     string // "client_id", "object_id", "mi_res_id"; empty for system-assigned
	idValue    string
	appService string // IDENTITY_ENDPOINT, empty for IMDS
	header     string // IDENTITY_HEADER
	transport  policy.Transporter
	cache      *tokenCache
	now        func() time.Time

	// probe is set in a chain: IMDS counts as unavailable unless a TCP
	// connection to it succeeds within probeTimeout.
	probe        bool
	probeTimeout time.Duration
	probeMu      sync.Mutex
	probed       bool // a probe succeeded; failures are probed again next time
}

var _ azcore.TokenCredential = (*ManagedIdentityCredential)(nil)

// NewManagedIdentityCredential detects the protocol from the environment;
// Options.ManagedIdentityClientID selects a user-assigned identity.
func NewManagedIdentityCredential(opts *Options) (*ManagedIdentityCredential, error) {
	o := opts.orZero()
	m := &ManagedIdentityCredential{
		transport:    opts.transport(),
		now:          opts.now(),
		cache:        newTokenCache(opts.now()),
		probeTimeout: o.IMDSProbeTimeout,
	}
	set := 0
	for kind, v := range map[string]string{"client_id": o.ManagedIdentityClientID, "object_id": o.ManagedIdentityObjectID, "mi_res_id": o.ManagedIdentityResourceID} {
		if v != "" {
			m.idKind, m.idValue = kind, v
			set++
		}
	}
	if set > 1 {
		return nil, errors.New(miName + ": set at most one of ManagedIdentityClientID, ManagedIdentityObjectID and ManagedIdentityResourceID")
	}
	ep, hdr := os.Getenv("IDENTITY_ENDPOINT"), os.Getenv("IDENTITY_HEADER")
	if ep != "" && hdr != "" {
		u, err := url.Parse(ep)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, unavailable(miName, "IDENTITY_ENDPOINT is not an http(s) URL", "unset it, or run the app under `lanyard run`, which sets it")
		}
		m.appService, m.header = ep, hdr
	}
	return m, nil
}

// Protocol names the protocol in use: "App Service" or "IMDS".
func (m *ManagedIdentityCredential) Protocol() string {
	if m.appService != "" {
		return "App Service"
	}
	return "IMDS"
}

// GetToken implements azcore.TokenCredential. Managed identity issues a
// token for one resource, so exactly one scope is required.
func (m *ManagedIdentityCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) != 1 {
		return azcore.AccessToken{}, errors.New(miName + ": GetToken requires exactly one scope")
	}
	if err := m.checkIMDS(ctx); err != nil {
		return azcore.AccessToken{}, err
	}
	opts.Claims = "" // not sent by either protocol; a challenge cannot be answered
	return m.cache.get(ctx, opts, m.fetch)
}

func (m *ManagedIdentityCredential) fetch(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	resource := strings.TrimSuffix(opts.Scopes[0], "/.default")
	var req *http.Request
	var err error
	if m.appService != "" {
		req, err = m.appServiceRequest(ctx, resource)
	} else {
		req, err = m.imdsRequest(ctx, resource)
	}
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: miName, Message: "building the request failed", Err: err}
	}
	sent := m.now()
	resp, err := m.transport.Do(req)
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: miName, Message: "the " + m.Protocol() + " identity endpoint could not be reached", Err: err}
	}
	tok, err := readToken(miName, resp, sent)
	var ae *AuthenticationError
	if err != nil && m.appService == "" && m.probe && errors.As(err, &ae) && imdsMeansUnavailable(ae, m.idKind) {
		return azcore.AccessToken{}, &UnavailableError{Credential: miName, Reason: "IMDS answered but has no identity for this machine: " + ae.Message,
			Fix: "assign a managed identity to the VM, or run the app under `lanyard run`", Err: err}
	}
	return tok, err
}

func (m *ManagedIdentityCredential) appServiceRequest(ctx context.Context, resource string) (*http.Request, error) {
	u, err := url.Parse(m.appService)
	if err != nil {
		return nil, err
	}
	q := u.Query() // parameters already in IDENTITY_ENDPOINT are kept
	q.Set("api-version", appServiceVersion)
	q.Set("resource", resource)
	if m.idKind != "" {
		q.Set(m.idKind, m.idValue)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-IDENTITY-HEADER", m.header)
	return req, nil
}

package credential

import (
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Options configure every credential in this package. The zero value is
// ready to use.
type Options struct {
	// ManagedIdentityClientID selects a user-assigned managed identity by
	// client ID. Empty means AZURE_CLIENT_ID in NewDefaultCredential (as
	// azidentity does) and the system-assigned identity elsewhere.
	ManagedIdentityClientID string

	// ManagedIdentityObjectID and ManagedIdentityResourceID select a
	// user-assigned identity the other two ways; set at most one of the
	// three.
	ManagedIdentityObjectID   string
	ManagedIdentityResourceID string

	// TenantID overrides AZURE_TENANT_ID for the environment and workload
	// identity credentials, and is passed to az as --tenant.
	TenantID string

	// Transport sends the HTTP requests; nil means a client with a 30 s
	// timeout that honours HTTP_PROXY. An *http.Client fits.
	Transport policy.Transporter

	// Now is the clock used for token expiry and refresh; nil means
	// time.Now. Tests inject a fake clock here.
	Now func() time.Time

	// IMDSProbeTimeout bounds the TCP connect to 169.254.169.254 by which
	// the default chain decides whether IMDS exists. Zero means
	// DefaultIMDSProbeTimeout, or ProdIMDSProbeTimeout when
	// AZURE_TOKEN_CREDENTIALS=prod leaves no developer source to fall to.
	IMDSProbeTimeout time.Duration
}

// DefaultIMDSProbeTimeout is how long the chain waits for a TCP connection
// to IMDS. IMDS is link-local and the connection is accepted by the host
// (or by a node-local proxy on Kubernetes), so a real one connects within
// a millisecond or two even when its token answer is slow: only the
// connect is timed, never the token request. A laptop either refuses at
// once or drops the packets, and waiting the full second azidentity waits
// is start-up latency for every developer.
const DefaultIMDSProbeTimeout = 50 * time.Millisecond

// ProdIMDSProbeTimeout is the probe's bound when the chain has only
// production sources: nothing is gained by giving up early there, and a
// false "unavailable" would fail a deployment.
const ProdIMDSProbeTimeout = time.Second

var defaultTransport = &http.Client{Timeout: 30 * time.Second}

func (o *Options) transport() policy.Transporter {
	if o == nil || o.Transport == nil {
		return defaultTransport
	}
	return o.Transport
}

func (o *Options) now() func() time.Time {
	if o == nil || o.Now == nil {
		return time.Now
	}
	return o.Now
}

func (o *Options) orZero() Options {
	if o == nil {
		return Options{}
	}
	return *o
}

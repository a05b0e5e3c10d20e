package credential

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Source names, as AZURE_TOKEN_CREDENTIALS and Selected spell them.
const (
	SourceEnvironment     = envName
	SourceWorkload        = workloadName
	SourceManagedIdentity = miName
	SourceAzureCLI        = cliName
)

// source is one link of the chain: a credential, or why it could not be
// built (which makes it unavailable, like azidentity's reporter).
type source struct {
	name string
	cred azcore.TokenCredential
	err  error
}

// sourceSpec builds one source from options.
type sourceSpec struct {
	name  string
	prod  bool // in the "prod" group; else in "dev"
	build func(o *Options, sel selection) (azcore.TokenCredential, error)
}

// chainOrder is the default chain, in order.
var chainOrder = []sourceSpec{
	{SourceEnvironment, true, func(o *Options, _ selection) (azcore.TokenCredential, error) { return NewEnvironmentCredential(o) }},
	{SourceWorkload, true, func(o *Options, _ selection) (azcore.TokenCredential, error) { return NewWorkloadIdentityCredential(o) }},
	{SourceManagedIdentity, true, buildManaged},
	// TODO(issue 5, developer sign-in): the Lanyard developer sign-in cache
	// (`lanyard login`, refresh tokens in a 0600 file) goes here, between
	// managed identity and the Azure CLI, in the "dev" group, once the
	// refresh-token grant and cache format exist. Until then it is absent
	// rather than faked.
	{SourceAzureCLI, false, func(o *Options, _ selection) (azcore.TokenCredential, error) { return NewAzureCLICredential(o) }},
}

// selection is how AZURE_TOKEN_CREDENTIALS narrowed the chain.
type selection int

const (
	selectAll    selection = iota // unset: the whole chain
	selectGroup                   // "dev" or "prod"
	selectSingle                  // one source by name
)

// buildManaged is the chain's managed identity: AZURE_CLIENT_ID picks a
// user-assigned identity when the options do not (azidentity's rule), and
// IMDS is probed unless it is the only source, where waiting is better
// than guessing. The probe is short only when developer sources follow.
func buildManaged(o *Options, sel selection) (azcore.TokenCredential, error) {
	mo := o.orZero()
	if mo.ManagedIdentityClientID == "" && mo.ManagedIdentityObjectID == "" && mo.ManagedIdentityResourceID == "" {
		mo.ManagedIdentityClientID = os.Getenv("AZURE_CLIENT_ID")
	}
	m, err := NewManagedIdentityCredential(&mo)
	if err != nil {
		return nil, err
	}
	m.probe = sel != selectSingle
	if m.probeTimeout <= 0 {
		m.probeTimeout = DefaultIMDSProbeTimeout
		if sel == selectGroup {
			m.probeTimeout = ProdIMDSProbeTimeout
		}
	}
	return m, nil
}

// DefaultCredential is the chain NewDefaultCredential builds.
type DefaultCredential struct {
	sources []source
	mu      sync.Mutex // serialises the search for a working source
	chosen  *source
}

var _ azcore.TokenCredential = (*DefaultCredential)(nil)

// NewDefaultCredential builds the default chain. AZURE_TOKEN_CREDENTIALS
// narrows it: "dev" (developer sources), "prod" (environment, workload
// identity, managed identity) or one source's name, case-insensitively.
// An invalid value is an error here rather than a surprise later.
func NewDefaultCredential(opts *Options) (*DefaultCredential, error) {
	specs, sel, err := selectSources(os.Getenv("AZURE_TOKEN_CREDENTIALS"))
	if err != nil {
		return nil, err
	}
	d := &DefaultCredential{}
	for _, s := range specs {
		cred, err := s.build(opts, sel)
		d.sources = append(d.sources, source{name: s.name, cred: cred, err: err})
	}
	return d, nil
}

func selectSources(v string) (specs []sourceSpec, sel selection, err error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return chainOrder, selectAll, nil
	case "dev", "prod":
		prod := strings.EqualFold(strings.TrimSpace(v), "prod")
		for _, s := range chainOrder {
			if s.prod == prod {
				specs = append(specs, s)
			}
		}
		if len(specs) == 1 {
			return specs, selectSingle, nil
		}
		return specs, selectGroup, nil
	}
	for _, s := range chainOrder {
		if strings.EqualFold(strings.TrimSpace(v), s.name) {
			return []sourceSpec{s}, selectSingle, nil
		}
	}
	names := make([]string, len(chainOrder))
	for i, s := range chainOrder {
		names[i] = s.name
	}
	return nil, selectAll, fmt.Errorf("invalid AZURE_TOKEN_CREDENTIALS value %q: use \"dev\", \"prod\" or one of %s, or unset it", v, strings.Join(names, ", "))
}

// Sources names the sources this chain tries, in order.
func (d *DefaultCredential) Sources() []string {
	out := make([]string, len(d.sources))
	for i, s := range d.sources {
		out[i] = s.name
	}
	return out
}

// Selected names the source that produced the first token, or "" before
// any source has worked.
func (d *DefaultCredential) Selected() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.chosen == nil {
		return ""
	}
	return d.chosen.name
}

// GetToken implements azcore.TokenCredential.
func (d *DefaultCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	d.mu.Lock()
	if c := d.chosen; c != nil {
		d.mu.Unlock()
		return c.cred.GetToken(ctx, opts)
	}
	defer d.mu.Unlock()
	var why []error
	for i := range d.sources {
		s := &d.sources[i]
		err := s.err
		if err == nil {
			var tok azcore.AccessToken
			tok, err = s.cred.GetToken(ctx, opts)
			if err == nil {
				d.chosen = s
				return tok, nil
			}
		}
		why = append(why, err)
		if !IsUnavailable(err) {
			return azcore.AccessToken{}, &ChainError{Attempts: why, Stopped: true}
		}
		if ctx.Err() != nil {
			return azcore.AccessToken{}, ctx.Err()
		}
	}
	return azcore.AccessToken{}, &ChainError{Attempts: why}
}

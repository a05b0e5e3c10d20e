package credential

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// DefaultAuthorityHost is used when AZURE_AUTHORITY_HOST is unset.
const DefaultAuthorityHost = "https://login.microsoftonline.com"

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// validTenant is azidentity's rule: the tenant becomes a URL path segment,
// so anything else could redirect the request elsewhere on the host.
var validTenant = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// confidentialClient posts client-credentials grants to one tenant's token
// endpoint. The client authenticates with a secret or an assertion.
type confidentialClient struct {
	name      string // credential name for errors
	endpoint  string // https://host/{tenant}/oauth2/v2.0/token
	clientID  string
	secret    string
	assertion func(ctx context.Context) (string, error) // nil with a secret
	transport policy.Transporter
	now       func() time.Time
	cache     *tokenCache
}

// tokenEndpoint builds the v2.0 token URL from AZURE_AUTHORITY_HOST (or
// the default) and tenant, refusing plain HTTP: the request carries a
// client secret or a signed assertion.
func tokenEndpoint(name, tenant string) (string, error) {
	if !validTenant.MatchString(tenant) {
		return "", unavailable(name, fmt.Sprintf("tenant ID %q is not valid", tenant), "set AZURE_TENANT_ID to a tenant ID such as the one `lanyard account show` prints")
	}
	host := os.Getenv("AZURE_AUTHORITY_HOST")
	if host == "" {
		host = DefaultAuthorityHost
	}
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", unavailable(name, fmt.Sprintf("AZURE_AUTHORITY_HOST %q is not an https URL", host), "set it to the token service's https address, e.g. your Lanyard server's URL")
	}
	return "https://" + u.Host + strings.TrimSuffix(u.Path, "/") + "/" + tenant + "/oauth2/v2.0/token", nil
}

func (c *confidentialClient) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) == 0 {
		return azcore.AccessToken{}, errors.New(c.name + ": GetToken needs at least one scope")
	}
	return c.cache.get(ctx, opts, c.fetch)
}

func (c *confidentialClient) fetch(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	form := url.Values{
		"grant_type": {"client_credentials"},
		"client_id":  {c.clientID},
		"scope":      {strings.Join(opts.Scopes, " ")},
	}
	if opts.Claims != "" {
		form.Set("claims", opts.Claims)
	}
	if c.assertion != nil {
		a, err := c.assertion(ctx)
		if err != nil {
			return azcore.AccessToken{}, err
		}
		form.Set("client_assertion_type", assertionType)
		form.Set("client_assertion", a)
	} else {
		form.Set("client_secret", c.secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: c.name, Message: "building the request failed", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	sent := c.now()
	resp, err := c.transport.Do(req)
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: c.name, Message: "the token service at " + hostOf(c.endpoint) + " could not be reached; check AZURE_AUTHORITY_HOST and the network", Err: err}
	}
	return readToken(c.name, resp, sent)
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return "?"
}

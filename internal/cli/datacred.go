package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// The data-plane audiences login obtains tokens for: the ones the Azure SDK
// clients ask for (azblob's default audience, Key Vault's challenge).
const (
	storageAudience = "https://storage.azure.com"
	vaultAudience   = "https://vault.azure.net"
)

var dataAudiences = []string{storageAudience, vaultAudience}

// storedToken is one data-plane access token kept in the profile.
type storedToken struct {
	AccessToken string    `json:"accessToken"`
	ExpiresOn   time.Time `json:"expiresOn"`
}

// dataTokens runs the password grant once per data-plane audience. A failure
// does not fail the login (management commands still work); it is reported
// on stderr, and dataToken later names the missing audience. The cause is
// the server's error text, which never contains the password.
func (a *app) dataTokens(ctx context.Context, stderr io.Writer, c *client, clientID, user, password string) map[string]storedToken {
	out := make(map[string]storedToken, len(dataAudiences))
	for _, aud := range dataAudiences {
		tok, err := c.passwordGrant(ctx, clientID, user, password, aud+"/.default")
		if err != nil {
			fmt.Fprintf(stderr, "WARNING: no token for %s (%v); its data commands will not work\n", aud, err)
			continue
		}
		out[aud] = storedToken{AccessToken: tok.AccessToken, ExpiresOn: a.now().Add(tok.ExpiresIn).Truncate(time.Second)}
	}
	return out
}

// dataToken is the one place data commands get a credential for audience.
// Today it serves the token login stored; it is the seam where refresh
// tokens will go, so callers must not read prof.DataTokens themselves.
func (a *app) dataToken(prof *Profile, audience string) (azcore.TokenCredential, error) {
	tok, ok := prof.DataTokens[audience]
	if !ok || tok.AccessToken == "" {
		return nil, fmt.Errorf("your sign-in has no token for %s (the profile predates data-plane commands); run 'lanyard login'", audience)
	}
	cred := &staticCredential{audience: audience, tok: tok, now: a.now}
	if cred.expired() {
		return nil, cred.expiredError()
	}
	return cred, nil
}

// errDataExpired marks an expired data-plane token, so the error survives
// the SDK pipeline's wrapping and reaches the user as advice.
var errDataExpired = errors.New("your sign-in has expired")

// staticCredential hands the SDK clients one stored token. The scope a Key
// Vault challenge names is not compared with the audience: the token's
// audience was fixed at login, the credential goes to exactly one client, and
// that client's endpoint came from the signed-in server over the pinned CA.
type staticCredential struct {
	audience string
	tok      storedToken
	now      func() time.Time
}

var _ azcore.TokenCredential = (*staticCredential)(nil)

func (s *staticCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) == 0 {
		return azcore.AccessToken{}, errors.New("the client asked for a token without a scope")
	}
	if s.expired() {
		return azcore.AccessToken{}, s.expiredError()
	}
	return azcore.AccessToken{Token: s.tok.AccessToken, ExpiresOn: s.tok.ExpiresOn}, nil
}

func (s *staticCredential) expired() bool {
	return !s.tok.ExpiresOn.IsZero() && !s.now().Before(s.tok.ExpiresOn)
}

func (s *staticCredential) expiredError() error {
	return fmt.Errorf("%w for %s; run 'lanyard login'", errDataExpired, s.audience)
}

// dataConn is what one data command needs: the service URL the resource
// reports, a credential for its audience and the SDK options that send
// requests through the profile's transport (which trusts only its CA).
type dataConn struct {
	endpoint  string
	pathStyle bool // "<server>/<account>" rather than "<account>.blob.<domain>"
	cred      azcore.TokenCredential
	opts      azcore.ClientOptions
}

// connect resolves the resource named by --account-name/--vault-name (in
// group when given, else by name across the subscription) and reads its
// data-plane URL at prop, e.g. "properties.primaryEndpoints.blob".
func (a *app) connect(ctx context.Context, c *client, t armType, group, name, prop, audience string) (*dataConn, error) {
	cred, err := a.dataToken(c.prof, audience)
	if err != nil {
		return nil, err
	}
	res, err := c.findResource(ctx, t, group, name)
	if err != nil {
		return nil, err
	}
	raw, _ := lookup(res, prop).(string)
	u, err := checkEndpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("the %s %q reports no usable %s: %w", t.noun, name, prop, err)
	}
	return &dataConn{
		endpoint:  u.String(),
		pathStyle: strings.Trim(u.Path, "/") != "",
		cred:      cred,
		opts: azcore.ClientOptions{
			Transport: c.http,
			// A CLI should fail fast: one retry covers a dropped connection.
			Retry:     policy.RetryOptions{MaxRetries: 1},
			Telemetry: policy.TelemetryOptions{ApplicationID: "lanyard-cli"},
		},
	}, nil
}

// findResource GETs group/name, or without a group lists the subscription's
// resources of type t and picks the one named name (storage account and
// vault names are unique in a tenant, so at most one matches).
func (c *client) findResource(ctx context.Context, t armType, group, name string) (map[string]any, error) {
	if group != "" {
		id, err := c.id(t, group, name)
		if err != nil {
			return nil, err
		}
		var out map[string]any
		err = c.call(ctx, http.MethodGet, id, apiVersion(t.api), nil, &out)
		return out, err
	}
	if err := checkName(t.noun+" name", name); err != nil {
		return nil, err
	}
	p, err := c.collection(t, "")
	if err != nil {
		return nil, err
	}
	items, err := c.list(ctx, p, apiVersion(t.api))
	if err != nil {
		return nil, err
	}
	found := named(items, name)
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no %s named %q in subscription %s", t.noun, name, c.sub)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%d %ss are named %q; pass --resource-group", len(found), t.noun, name)
}

// named is the items whose "name" is name: ARM names are case-insensitive.
func named(items []map[string]any, name string) []map[string]any {
	var found []map[string]any
	for _, it := range items {
		if n, _ := it["name"].(string); strings.EqualFold(n, name) {
			found = append(found, it)
		}
	}
	return found
}

// checkEndpoint accepts only an absolute https URL without credentials,
// query or fragment: the data token is sent there.
func checkEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return nil, errors.New("missing or malformed URL")
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not an https URL", raw)
	}
	return u, nil
}

// dataError turns an SDK failure into one line: "<code>: <message>" from a
// Storage or Key Vault error, instead of azcore's multi-line request dump.
func dataError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, errDataExpired) {
		return fmt.Errorf("%w; run 'lanyard login'", errDataExpired)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return explainTransport(err, false)
	}
	code := re.ErrorCode
	if code == "" {
		code = strconv.Itoa(re.StatusCode) + " " + http.StatusText(re.StatusCode)
	}
	msg := ""
	if re.RawResponse != nil {
		if body, err := runtime.Payload(re.RawResponse); err == nil {
			msg = serviceMessage(body)
		}
	}
	if msg == "" {
		msg = http.StatusText(re.StatusCode)
	}
	line := code + ": " + cell(msg)
	if re.StatusCode == http.StatusUnauthorized {
		line += "; run 'lanyard login'"
	}
	return errors.New(line)
}

var xmlMessage = regexp.MustCompile(`(?s)<Message>(.*?)</Message>`)

// serviceMessage reads the message of a Key Vault JSON error
// {"error":{"message"}} or a Storage XML one <Error><Message>, shortened.
func serviceMessage(body []byte) string {
	var kv struct {
		Error struct{ Message string } `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &kv) == nil {
		msg = kv.Error.Message
	} else if m := xmlMessage.FindSubmatch(body); m != nil {
		msg = html.UnescapeString(string(m[1]))
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	return msg
}

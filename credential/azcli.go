package credential

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const cliName = "AzureCLICredential"

// cliTimeout is azidentity's: az is a Python program and can be slow, but
// a hung one must not block the application forever.
const cliTimeout = 10 * time.Second

// safeScope is azidentity's rule for what may reach az's command line.
var safeScope = regexp.MustCompile(`^[A-Za-z0-9._\-/:]+$`)

// AzureCLICredential gets the signed-in user's token from
// `az account get-access-token`.
type AzureCLICredential struct {
	path   string // the az executable
	tenant string
	now    func() time.Time
	cache  *tokenCache
}

var _ azcore.TokenCredential = (*AzureCLICredential)(nil)

// NewAzureCLICredential finds az on PATH; the error is an
// *UnavailableError when it is not installed.
func NewAzureCLICredential(opts *Options) (*AzureCLICredential, error) {
	path, err := exec.LookPath("az")
	if err != nil {
		return nil, &UnavailableError{Credential: cliName, Reason: "az is not installed (not found on PATH)",
			Fix: "install the Azure CLI and run `az login`, or use another source", Err: err}
	}
	return &AzureCLICredential{path: path, tenant: opts.orZero().TenantID, now: opts.now(), cache: newTokenCache(opts.now())}, nil
}

// GetToken implements azcore.TokenCredential. az issues a token for one
// resource, so exactly one scope is required.
func (a *AzureCLICredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if len(opts.Scopes) != 1 {
		return azcore.AccessToken{}, errors.New(cliName + ": GetToken requires exactly one scope")
	}
	// A leading "-" would make az read the resource as an option.
	if !safeScope.MatchString(opts.Scopes[0]) || strings.HasPrefix(opts.Scopes[0], "-") {
		return azcore.AccessToken{}, fmt.Errorf("%s: scope %q has characters az does not accept", cliName, opts.Scopes[0])
	}
	if opts.Claims != "" {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cliName, Message: "the resource asks for additional claims; run `az login --claims-challenge` and retry"}
	}
	return a.cache.get(ctx, opts, a.fetch)
}

func (a *AzureCLICredential) fetch(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cliTimeout)
		defer cancel()
	}
	args := []string{"account", "get-access-token", "--output", "json", "--resource", strings.TrimSuffix(opts.Scopes[0], "/.default")}
	if t := firstNonEmpty(opts.TenantID, a.tenant); t != "" {
		if !validTenant.MatchString(t) || strings.HasPrefix(t, "-") {
			return azcore.AccessToken{}, fmt.Errorf("%s: tenant ID %q is not valid", cliName, t)
		}
		args = append(args, "--tenant", t)
	}
	// No shell: the arguments reach az exactly as given.
	cmd := exec.CommandContext(ctx, a.path, args...)
	cmd.WaitDelay = 100 * time.Millisecond
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "az login") || strings.Contains(msg, "az account set") {
			return azcore.AccessToken{}, &UnavailableError{Credential: cliName, Reason: "az is not signed in: " + firstLine(msg), Fix: "run `az login`", Err: err}
		}
		return azcore.AccessToken{}, &AuthenticationError{Credential: cliName, Message: firstNonEmpty(firstLine(msg), err.Error()), Err: err}
	}
	return parseCLIToken(stdout.Bytes())
}

// parseCLIToken reads az's JSON (PROTOCOLS §4): expires_on (epoch seconds,
// newer az) wins over expiresOn (local time, older az).
func parseCLIToken(out []byte) (azcore.AccessToken, error) {
	var r struct {
		AccessToken string          `json:"accessToken"`
		ExpiresOn   string          `json:"expiresOn"`
		ExpiresOnTS json.RawMessage `json:"expires_on"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cliName, Message: "az printed something other than the expected JSON", Err: err}
	}
	if r.AccessToken == "" {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cliName, Message: "az printed no accessToken"}
	}
	exp, err := parseExpiresOn(r.ExpiresOnTS)
	if err == nil && exp.IsZero() && r.ExpiresOn != "" {
		exp, err = time.ParseInLocation("2006-01-02 15:04:05.999999", r.ExpiresOn, time.Local)
	}
	if err != nil || exp.IsZero() {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cliName, Message: "az printed no usable expiry", Err: err}
	}
	return azcore.AccessToken{Token: r.AccessToken, ExpiresOn: exp}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

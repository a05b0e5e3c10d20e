package tokenauth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Authenticator verifies Lanyard access tokens and, with a Credential,
// authorizes them through Lanyard's check-access API. It is safe for
// concurrent use; create one per issuer and share it.
type Authenticator struct {
	opts      Options
	keys      *keyCache
	decisions *decisionCache
	mgmt      *tokenSource
}

// New discovers the issuer's keys (its OIDC document, then its JWKS) and
// returns an Authenticator. It fails when the issuer cannot be reached or
// publishes no usable key, so a misconfigured service fails at start.
func New(ctx context.Context, o Options) (*Authenticator, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	jwksURI, err := discover(ctx, o.HTTPClient, o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("tokenauth: discover issuer %s: %w", o.Issuer, err)
	}
	keys, err := newKeyCache(ctx, o, jwksURI)
	if err != nil {
		return nil, fmt.Errorf("tokenauth: fetch signing keys: %w", err)
	}
	a := &Authenticator{opts: o, keys: keys, decisions: newDecisionCache(o.DecisionTTL, o.Now)}
	if o.Credential != nil {
		a.mgmt = &tokenSource{cred: o.Credential, now: o.Now}
	}
	return a, nil
}

type principalKey struct{}

// FromContext returns the principal Middleware verified, if any.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p; tests of handlers behind
// Middleware use it to skip the token.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Middleware verifies the request's bearer token and passes the request on
// with its Principal in the context (FromContext). Without a valid token it
// answers 401 with WWW-Authenticate: Bearer error="invalid_token".
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := a.authenticate(w, r)
		if !ok {
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// authenticate verifies r's token or writes the 401 itself.
func (a *Authenticator) authenticate(w http.ResponseWriter, r *http.Request) (*Principal, bool) {
	raw, ok := bearer(r)
	if !ok {
		writeUnauthorized(w, "", "a bearer token is required")
		return nil, false
	}
	p, err := a.Verify(r.Context(), raw)
	if err != nil {
		desc := "the token could not be verified"
		if te, ok := err.(*TokenError); ok {
			desc = te.Description
		}
		a.opts.Logger.Info("tokenauth: token refused", "method", r.Method, "path", r.URL.Path, "err", err)
		writeUnauthorized(w, "invalid_token", desc)
		return nil, false
	}
	return p, true
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Values("Authorization")
	if len(h) != 1 {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h[0], " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// discovery is the part of an OIDC discovery document Lanyard reads.
type discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// fetch reads issuer's discovery document, checks that it names issuer
// exactly (OIDC Discovery §4.3, so one issuer cannot speak for another),
// then reads its JWKS and keeps the public signing keys.
func (f *Fetcher) fetch(ctx context.Context, issuer string) ([]jose.JSONWebKey, error) {
	var d discovery
	if err := f.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &d); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	if d.Issuer != issuer {
		return nil, fmt.Errorf("discovery names issuer %q, not %q", clip(d.Issuer), clip(issuer))
	}
	u, err := url.Parse(d.JWKSURI)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("jwks_uri %q is not an https URL", clip(d.JWKSURI))
	}
	var set jose.JSONWebKeySet
	if err := f.getJSON(ctx, d.JWKSURI, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, k := range set.Keys {
		if k.IsPublic() && (k.Use == "" || k.Use == "sig") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("jwks has no public signing keys")
	}
	return keys, nil
}

// getJSON GETs an https URL and decodes at most MaxDocument bytes of JSON.
func (f *Fetcher) getJSON(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%s is not https", clip(rawURL))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", clip(rawURL), resp.StatusCode)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return fmt.Errorf("GET %s: content type %q", clip(rawURL), mt)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocument+1))
	if err != nil {
		return err
	}
	if len(body) > MaxDocument {
		return fmt.Errorf("GET %s: larger than %d bytes", clip(rawURL), MaxDocument)
	}
	return json.Unmarshal(body, v)
}

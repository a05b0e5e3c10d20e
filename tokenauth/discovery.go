package tokenauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxDocumentSize bounds discovery documents and JWKS; real ones are a few KiB.
const maxDocumentSize = 1 << 20

// discover reads the issuer's OIDC discovery document and returns its
// jwks_uri. The document must name the same issuer, or tokens from one
// issuer could be verified with another's keys.
func discover(ctx context.Context, c *http.Client, issuer string) (string, error) {
	body, err := getDocument(ctx, c, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration")
	if err != nil {
		return "", err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("decode discovery document: %w", err)
	}
	if doc.Issuer != issuer {
		return "", fmt.Errorf("discovery document names issuer %q, not %q", doc.Issuer, issuer)
	}
	u, err := url.Parse(doc.JWKSURI)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("discovery document has no usable jwks_uri (%q)", doc.JWKSURI)
	}
	return doc.JWKSURI, nil
}

// getDocument GETs a small JSON document.
func getDocument(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %s", u, resp.Status)
	}
	if len(body) > maxDocumentSize {
		return nil, fmt.Errorf("GET %s: document larger than %d bytes", u, maxDocumentSize)
	}
	return body, nil
}

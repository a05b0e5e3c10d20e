package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// newHTTPClient trusts caPEM (Lanyard's own CA) when given, the system roots
// otherwise. There is no switch to skip verification: the CLI sends
// passwords and bearer tokens over this connection.
func newHTTPClient(caPEM []byte) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("the CA file holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{
		Transport: tr,
		Timeout:   60 * time.Second,
		// A redirect could carry the Authorization header elsewhere; the
		// API never redirects, so refuse.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// checkServerURL accepts only an https URL with a host and no path, query or
// credentials, and returns it without a trailing slash.
func checkServerURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("server URL %q must look like https://host:port", s)
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("server URL %q must use https: the CLI sends passwords and tokens to it", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("server URL %q must be just https://host:port", s)
	}
	return "https://" + u.Host, nil
}

// explainTransport turns TLS verification failures into advice; other
// transport errors pass through with the URL the user gave.
func explainTransport(err error, loginHint bool) error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var inv x509.CertificateInvalidError
	hint := "pass --ca-file <data-dir>/ca.crt"
	if !loginHint {
		hint = "run 'lanyard login --ca-file <data-dir>/ca.crt'"
	}
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("the server's certificate is not trusted: %s", hint)
	case errors.As(err, &host):
		names := strings.Join(host.Certificate.DNSNames, ", ")
		return fmt.Errorf("the server's certificate is not valid for %q (it names %s): use one of those names in --server, or restart 'lanyard serve' with --dns-name %s", host.Host, names, host.Host)
	case errors.As(err, &inv):
		return fmt.Errorf("the server's certificate is not valid (%v): %s", inv, hint)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("cannot reach the server at %s: %w", ue.URL, ue.Err)
	}
	return err
}

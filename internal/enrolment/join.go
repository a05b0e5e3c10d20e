package enrolment

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// ErrAlreadyEnrolled is returned by Join when the state directory already
// holds an enrolment.
var ErrAlreadyEnrolled = errors.New("enrolment: the state directory already holds an enrolment")

// Join exchanges a one-time join token for a client certificate and saves
// the enrolment in stateDir (created 0700). The server is trusted only
// after its CA certificate matches the pin inside the token.
func Join(ctx context.Context, serverURL, joinToken, stateDir string, opts ...Option) (*Client, error) {
	o := buildOptions(opts)
	_, pin, err := fabric.ParseJoinToken(joinToken)
	if err != nil {
		return nil, err
	}
	base, err := checkServerURL(serverURL)
	if err != nil {
		return nil, err
	}
	if err := ensureDir(stateDir); err != nil {
		return nil, err
	}
	switch h, err := readHostInfo(stateDir); {
	case err == nil:
		return nil, fmt.Errorf("%w: %s is enrolled as host %s with %s; remove that directory to join again", ErrAlreadyEnrolled, stateDir, h.HostID, h.Server)
	case !errors.Is(err, ErrNotEnrolled):
		return nil, err
	}
	ca, err := fetchPinnedCA(ctx, base, pin, o)
	if err != nil {
		return nil, err
	}
	key, csr, err := newKeyAndCSR()
	if err != nil {
		return nil, err
	}
	// The join itself trusts the pinned CA and nothing else.
	c := newClient(base, stateDir, "", ca, o)
	c.http.Transport.(*http.Transport).TLSClientConfig.GetClientCertificate = nil
	var e fabric.Enrolment
	if err := postJSON(ctx, c.http, base+fabric.PathJoin, fabric.JoinRequest{JoinToken: strings.TrimSpace(joinToken), CSR: csr}, &e); err != nil {
		if IsUnauthorized(err) {
			return nil, fmt.Errorf("the server refused the join token (unknown, already used or expired; 'lanyard host create' prints a new one): %w", err)
		}
		return nil, fmt.Errorf("join %s: %w", base, err)
	}
	certDER, leaf, err := checkEnrolment(e, key, ca, "")
	if err != nil {
		return nil, fmt.Errorf("join %s: %w", base, err)
	}
	// host.json goes last: it is what marks the directory as enrolled.
	if err := writeFileAtomic(stateDir, caFile, pemBytes("CERTIFICATE", ca.Raw), 0o644); err != nil {
		return nil, fmt.Errorf("enrolment: save: %w", err)
	}
	if err := saveCertificate(stateDir, key, certDER); err != nil {
		return nil, fmt.Errorf("enrolment: save: %w", err)
	}
	if err := saveHostInfo(stateDir, hostInfo{Server: base, HostID: e.HostID, ExpiresOn: leaf.NotAfter, RenewAfter: e.RenewAfter}); err != nil {
		return nil, fmt.Errorf("enrolment: save: %w", err)
	}
	o.logger.Info("joined", "server", base, "host", e.HostID, "serial", serialHex(leaf), "expiresOn", leaf.NotAfter, "stateDir", filepath.Clean(stateDir))
	return Load(stateDir, opts...)
}

// checkServerURL accepts an https URL with no path beyond "/" and returns
// it without the trailing slash.
func checkServerURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
		return "", fmt.Errorf("server URL %q must be https://HOST[:PORT]", raw)
	}
	return "https://" + u.Host, nil
}

// fetchPinnedCA downloads the CA certificate without verifying the server
// (the agent trusts nothing yet) and accepts it only if its SHA-256 is the
// pin in the join token. This is the one unverified request.
func fetchPinnedCA(ctx context.Context, base, pin string, o options) (*x509.Certificate, error) {
	hc := &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, // checked against the pin below
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+fabric.PathCA, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the server's CA certificate: %w", err)
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch the server's CA certificate: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the server's CA certificate from %s: %w", base+fabric.PathCA, decodeError(resp.StatusCode, data))
	}
	der, ok := firstPEM(data, "CERTIFICATE")
	if !ok {
		return nil, fmt.Errorf("%s served no PEM certificate", base+fabric.PathCA)
	}
	if !fabric.PinMatches(der, pin) {
		got := sha256.Sum256(der)
		return nil, fmt.Errorf("refusing to join: the server's CA certificate has SHA-256 %s but the join token pins %s (wrong server, or someone in between)", hex.EncodeToString(got[:]), pin)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("the server's CA certificate: %w", err)
	}
	if !ca.IsCA {
		return nil, errors.New("the pinned certificate is not a CA certificate")
	}
	return ca, nil
}

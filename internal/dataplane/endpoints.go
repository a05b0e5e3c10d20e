package dataplane

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Endpoints composes the data-plane URLs Lanyard advertises (in ARM
// properties such as primaryEndpoints.blob and vaultUri) and parses the
// ones requests arrive at, so the two can never disagree.
type Endpoints struct {
	// Base is the server's public URL, e.g. "https://127.0.0.1:8443".
	Base string
	// Domain, when set, turns on host-style names:
	// https://{account}.blob.{Domain}:port and https://{vault}.vault.{Domain}:port.
	Domain string
}

// port is Base's ":port" suffix, or "".
func (e Endpoints) port() string {
	u, err := url.Parse(e.Base)
	if err != nil || u.Port() == "" {
		return ""
	}
	return ":" + u.Port()
}

func (e Endpoints) base() string { return strings.TrimSuffix(e.Base, "/") }

// BlobURL is an account's blob service URL, with the trailing slash ARM
// renders.
func (e Endpoints) BlobURL(account string) string {
	if e.Domain != "" {
		return "https://" + strings.ToLower(account) + ".blob." + e.Domain + e.port() + "/"
	}
	return e.base() + "/" + account + "/"
}

// VaultURL is a vault's URI, with the trailing slash ARM renders.
func (e Endpoints) VaultURL(vault string) string {
	if e.Domain != "" {
		return "https://" + strings.ToLower(vault) + ".vault." + e.Domain + e.port() + "/"
	}
	return e.base() + "/vaults/" + vault + "/"
}

// Service is a data service a request may be addressed to.
type Service int

// Data services.
const (
	NoService Service = iota
	Blob
	Vault
)

// HostStyle recognises "{name}.blob.{Domain}" and "{name}.vault.{Domain}"
// in a request's Host header (port ignored). It returns the service and
// the single-label name, or NoService.
func (e Endpoints) HostStyle(host string) (Service, string) {
	if e.Domain == "" {
		return NoService, ""
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, s := range []struct {
		svc    Service
		suffix string
	}{{Blob, ".blob." + e.Domain}, {Vault, ".vault." + e.Domain}} {
		if name, ok := strings.CutSuffix(host, s.suffix); ok && name != "" && !strings.Contains(name, ".") {
			return s.svc, name
		}
	}
	return NoService, ""
}

// VaultResource is the resource a vault's 401 challenge names. Host-style,
// it is "https://vault.{Domain}:port", so azsecrets' check that the vault's
// host ends in "." + the resource's host passes with no client option;
// path-style it is Azure's own "https://vault.azure.net", and clients must
// set DisableChallengeResourceVerification.
func (e Endpoints) VaultResource(hostStyle bool, requestHost string) string {
	if !hostStyle {
		return "https://vault.azure.net"
	}
	// Only a port number is echoed: Go accepts ',', '=' and ';' in a Host
	// header, and this value becomes a WWW-Authenticate parameter and an
	// accepted audience.
	port := ""
	if _, p, err := net.SplitHostPort(requestHost); err == nil {
		if n, err := strconv.ParseUint(p, 10, 16); err == nil && n > 0 {
			port = ":" + p
		}
	}
	return "https://vault." + e.Domain + port
}

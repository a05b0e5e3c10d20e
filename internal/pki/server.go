package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Server certificate lifetimes: reissued when within RenewBefore of expiry.
const (
	ServerLifetime = 397 * 24 * time.Hour
	RenewBefore    = 30 * 24 * time.Hour
)

// ServerCertificate returns the TLS certificate in dir/server.crt and
// dir/server.key, issuing a new one when it is missing, unreadable, not
// signed by this CA, expiring within 30 days, or its names differ from
// localhost, 127.0.0.1, ::1, the host name and the given extras.
func (ca *CA) ServerCertificate(dir string, dnsNames []string, ips []net.IP) (tls.Certificate, error) {
	wantDNS, wantIPs := sans(dnsNames, ips)
	certPath, keyPath := filepath.Join(dir, ServerCertFile), filepath.Join(dir, ServerKeyFile)
	if c, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil && ca.current(c, wantDNS, wantIPs) {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server key: %w", err)
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: wantDNS[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     minTime(now.Add(ServerLifetime), ca.cert.NotAfter),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     wantDNS,
		IPAddresses:  wantIPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server certificate: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: %w", err)
	}
	if err := writeKey(keyPath, key); err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server key: %w", err)
	}
	if err := writePEM(certPath, "CERTIFICATE", der, 0o600); err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: server certificate: %w", err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// current reports whether c can keep being served.
func (ca *CA) current(c tls.Certificate, dns []string, ips []net.IP) bool {
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil || leaf.CheckSignatureFrom(ca.cert) != nil {
		return false
	}
	if ca.now().Add(RenewBefore).After(leaf.NotAfter) {
		return false
	}
	gotDNS, gotIPs := sans(leaf.DNSNames, leaf.IPAddresses)
	return slices.Equal(gotDNS, dns) && slices.EqualFunc(gotIPs, ips, net.IP.Equal)
}

// sans returns the normalised, sorted, de-duplicated subject alternative
// names; the first DNS name is always "localhost".
func sans(dnsNames []string, ips []net.IP) ([]string, []net.IP) {
	var extra []string
	if h, err := os.Hostname(); err == nil {
		dnsNames = append([]string{h}, dnsNames...)
	}
	for _, d := range dnsNames {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" && d != "localhost" {
			extra = append(extra, d)
		}
	}
	slices.Sort(extra)
	dns := append([]string{"localhost"}, slices.Compact(extra)...)

	all := append([]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, ips...)
	out := make([]net.IP, 0, len(all))
	for _, ip := range all {
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		if ip != nil && !slices.ContainsFunc(out, ip.Equal) {
			out = append(out, ip)
		}
	}
	slices.SortFunc(out, func(a, b net.IP) int { return strings.Compare(string(a.To16()), string(b.To16())) })
	return dns, out
}

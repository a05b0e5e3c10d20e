package enrolment

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// Client is an enrolled host's connection to the server. It implements
// fabric.Fabric over HTTPS with the host's client certificate, trusting
// only the CA pinned at join. Run keeps the certificate renewed.
type Client struct {
	server string // base URL, no trailing slash
	dir    string
	hostID string
	ca     *x509.Certificate
	cur    atomic.Pointer[identity]
	// renewMu keeps two renewals from interleaving their file writes.
	renewMu sync.Mutex
	http    *http.Client
	opts    options
}

var _ fabric.Fabric = (*Client)(nil)

// Option adjusts a Client; the defaults suit production.
type Option func(*options)

type options struct {
	now        func() time.Time
	after      func(time.Duration) <-chan time.Time
	logger     *slog.Logger
	timeout    time.Duration
	maxBackoff time.Duration
}

// WithNow injects the clock that renewal decisions use.
func WithNow(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithAfter injects the timer Run waits with (time.After by default), so
// tests drive renewal with a fake clock.
func WithAfter(after func(time.Duration) <-chan time.Time) Option {
	return func(o *options) { o.after = after }
}

// WithLogger sets where renewals and their failures are logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithTimeout bounds every request to the server (default 30s).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

func buildOptions(opts []Option) options {
	o := options{now: time.Now, after: time.After, logger: slog.Default(), timeout: 30 * time.Second, maxBackoff: 5 * time.Minute}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Load opens the enrolment saved in stateDir by Join; ErrNotEnrolled if
// there is none.
func Load(stateDir string, opts ...Option) (*Client, error) {
	h, err := readHostInfo(stateDir)
	if err != nil {
		return nil, err
	}
	ca, err := loadCA(stateDir)
	if err != nil {
		return nil, fmt.Errorf("enrolment: %w", err)
	}
	pair, leaf, err := loadKeyPair(stateDir)
	if err != nil {
		return nil, fmt.Errorf("enrolment: %w", err)
	}
	c := newClient(h.Server, stateDir, h.HostID, ca, buildOptions(opts))
	c.cur.Store(newIdentity(pair, leaf, h.RenewAfter))
	return c, nil
}

func newClient(server, dir, hostID string, ca *x509.Certificate, o options) *Client {
	c := &Client{server: strings.TrimRight(server, "/"), dir: dir, hostID: hostID, ca: ca, opts: o}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{
			RootCAs:    roots,
			MinVersion: tls.VersionTLS12,
			// Read at every handshake, so a renewal takes effect on the
			// next connection without rebuilding the client.
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return &c.cur.Load().cert, nil
			},
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.timeout,
	}
	c.http = &http.Client{Transport: tr, Timeout: o.timeout}
	return c
}

// newIdentity takes the expiry from the certificate itself (host.json may
// lag behind it after a crash) and keeps renewAfter only if it falls within
// the certificate's life; otherwise renewal is due at half of it.
func newIdentity(pair tls.Certificate, leaf *x509.Certificate, renewAfter time.Time) *identity {
	if renewAfter.Before(leaf.NotBefore) || !renewAfter.Before(leaf.NotAfter) {
		renewAfter = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	pair.Leaf = leaf
	return &identity{cert: pair, leaf: leaf, expiresOn: leaf.NotAfter, renewAfter: renewAfter}
}

// HostID is the VM resource ID this agent is enrolled as.
func (c *Client) HostID() string { return c.hostID }

// Server is the base URL of the server this agent is enrolled with.
func (c *Client) Server() string { return c.server }

// CertificateSerial is the hex serial of the certificate now presented.
func (c *Client) CertificateSerial() string { return serialHex(c.cur.Load().leaf) }

// ExpiresOn is when the current certificate expires.
func (c *Client) ExpiresOn() time.Time { return c.cur.Load().expiresOn }

// RenewAfter is when Run renews the current certificate.
func (c *Client) RenewAfter() time.Time { return c.cur.Load().renewAfter }

func tlsPair(key *ecdsa.PrivateKey, certDER []byte) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{certDER}, PrivateKey: key}
}

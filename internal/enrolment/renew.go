package enrolment

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// minBackoff is the first wait after a failed renewal; it doubles up to
// options.maxBackoff but never past the certificate's expiry.
const minBackoff = time.Second

// Run renews the certificate at its RenewAfter until ctx ends (then it
// returns nil). A failed renewal is retried with backoff while the
// certificate is still valid. Run gives up with an error when the server
// refuses the certificate (revoked, host deleted) or when it expires:
// either way only a new join can help.
func (c *Client) Run(ctx context.Context) error {
	next := c.cur.Load().renewAfter
	backoff := minBackoff
	for {
		if !c.sleepUntil(ctx, next) {
			return nil
		}
		err := c.Renew(ctx)
		if ctx.Err() != nil {
			return nil
		}
		id := c.cur.Load()
		if err == nil {
			next, backoff = id.renewAfter, minBackoff
			continue
		}
		if IsUnauthorized(err) {
			return fmt.Errorf("the server refused host %s's certificate (revoked, or the host was deleted); remove %s and join again with a new token: %w", c.hostID, c.dir, err)
		}
		now := c.opts.now()
		if !now.Before(id.expiresOn) {
			return fmt.Errorf("host certificate expired at %s without a successful renewal; remove %s and join again with a new token: %w", id.expiresOn.Format(time.RFC3339), c.dir, err)
		}
		c.opts.logger.Warn("certificate renewal failed; retrying", "host", c.hostID, "retryIn", backoff, "expiresOn", id.expiresOn, "err", err)
		next = now.Add(backoff)
		if next.After(id.expiresOn) {
			next = id.expiresOn
		}
		backoff = min(2*backoff, c.opts.maxBackoff)
	}
}

// sleepUntil waits until the injected clock reaches t; false if ctx ended.
func (c *Client) sleepUntil(ctx context.Context, t time.Time) bool {
	for {
		d := t.Sub(c.opts.now())
		if d <= 0 {
			return ctx.Err() == nil
		}
		select {
		case <-ctx.Done():
			return false
		case <-c.opts.after(d):
		}
	}
}

// Renew replaces the certificate with one for a fresh key now, saves it,
// and makes the next connections present it.
func (c *Client) Renew(ctx context.Context) error {
	c.renewMu.Lock()
	defer c.renewMu.Unlock()
	key, csr, err := newKeyAndCSR()
	if err != nil {
		return err
	}
	var e fabric.Enrolment
	if err := postJSON(ctx, c.http, c.server+fabric.PathRenew, fabric.RenewRequest{CSR: csr}, &e); err != nil {
		return fmt.Errorf("renew: %w", err)
	}
	certDER, leaf, err := checkEnrolment(e, key, c.ca, c.hostID)
	if err != nil {
		return fmt.Errorf("renew: %w", err)
	}
	// Saved before it is used: a restart must come back with the newest
	// certificate, since the server forgets the old one soon.
	if err := saveCertificate(c.dir, key, certDER); err != nil {
		return fmt.Errorf("renew: save: %w", err)
	}
	if err := saveHostInfo(c.dir, hostInfo{Server: c.server, HostID: c.hostID, ExpiresOn: leaf.NotAfter, RenewAfter: e.RenewAfter}); err != nil {
		return fmt.Errorf("renew: save: %w", err)
	}
	old := c.cur.Load()
	c.cur.Store(newIdentity(tlsPair(key, certDER), leaf, e.RenewAfter))
	// Kept-alive connections were authenticated with the old certificate.
	c.http.Transport.(*http.Transport).CloseIdleConnections()
	c.opts.logger.Info("host certificate renewed", "host", c.hostID, "oldSerial", serialHex(old.leaf), "serial", serialHex(leaf), "expiresOn", leaf.NotAfter)
	return nil
}

package enrolment

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/hosts/hoststest"
)

// echoFabric answers a token naming the host the server authenticated.
type echoFabric struct{ host string }

func (f echoFabric) Token(_ context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	return fabric.Token{AccessToken: "for " + f.host, Audience: req.Audience}, nil
}

func (f echoFabric) App(context.Context, string) (fabric.App, error) { return fabric.App{}, nil }

// realServer is the server's real hosts handler (hoststest) on clock. It
// records the client certificate serial of every token request.
type realServer struct {
	*hoststest.Server

	mu      sync.Mutex
	serials []string
}

func newRealServer(t *testing.T, clock *fakeClock) *realServer {
	t.Helper()
	s := &realServer{}
	s.Server = hoststest.Start(t, hoststest.Config{Now: clock.Now, Log: quietLogger,
		Fabric: func(h string) fabric.Fabric { return echoFabric{h} },
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == fabric.PathToken && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
					s.mu.Lock()
					s.serials = append(s.serials, serialHex(r.TLS.PeerCertificates[0]))
					s.mu.Unlock()
				}
				next.ServeHTTP(w, r)
			})
		}})
	return s
}

// lastSerial is the certificate serial of the latest token request.
func (s *realServer) lastSerial() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.serials) == 0 {
		return ""
	}
	return s.serials[len(s.serials)-1]
}

func (s *realServer) ask(t *testing.T, c *Client) string {
	t.Helper()
	tok, err := c.Token(context.Background(), fabric.TokenRequest{Resource: hoststest.VM, Audience: "https://vault.azure.net"})
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if !strings.EqualFold(tok.AccessToken, "for "+hoststest.VM) {
		t.Fatalf("server authenticated %q", tok.AccessToken)
	}
	return s.lastSerial()
}

func TestWithHostsServer(t *testing.T) {
	clock := newFakeClock()
	s := newRealServer(t, clock)
	other := newRealServer(t, clock)
	ctx := context.Background()
	dir := newDir(t)
	used := s.JoinToken(t)
	c, err := Join(ctx, s.URL, used, dir, testOpts(clock)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(c.HostID(), hoststest.VM) {
		t.Errorf("HostID %q", c.HostID())
	}
	joined := s.ask(t, c)
	if joined != c.CertificateSerial() {
		t.Errorf("server saw serial %s, client holds %s", joined, c.CertificateSerial())
	}

	t.Run("wrong pin refused", func(t *testing.T) {
		_, err := Join(ctx, s.URL, other.JoinToken(t), newDir(t), testOpts(clock)...)
		if err == nil || !strings.Contains(err.Error(), "refusing to join") {
			t.Errorf("joined with a token pinning another CA: %v", err)
		}
	})
	t.Run("reused token refused", func(t *testing.T) {
		_, err := Join(ctx, s.URL, used, newDir(t), testOpts(clock)...)
		if !IsUnauthorized(err) {
			t.Errorf("reused token: %v", err)
		}
	})
	t.Run("restart keeps working", func(t *testing.T) {
		l, err := Load(dir, testOpts(clock)...)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.ask(t, l); got != joined {
			t.Errorf("after Load the server saw %s, want %s", got, joined)
		}
	})
	t.Run("renewal swaps the certificate", func(t *testing.T) {
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(runCtx) }()
		if d := clock.next(t); d <= 0 || d > 24*time.Hour {
			t.Errorf("renewal scheduled after %s", d)
		}
		// The next timer is set after the renewal completed.
		w := <-clock.waits
		renewed := s.ask(t, c)
		if renewed == joined || renewed != c.CertificateSerial() {
			t.Errorf("after renewal the server saw %s (joined with %s, client holds %s)", renewed, joined, c.CertificateSerial())
		}
		h, err := s.Store.GetHost(ctx, c.HostID())
		if err != nil || h.CertSerial != renewed || h.PrevCertSerial != joined {
			t.Errorf("store: current %s previous %s (%v)", h.CertSerial, h.PrevCertSerial, err)
		}
		if l, err := Load(dir); err != nil || l.CertificateSerial() != renewed {
			t.Errorf("state after renewal: %v", err)
		}
		cancel()
		w.fire <- clock.Now()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Run("revoked host is unauthorized", func(t *testing.T) {
		if err := s.Service.Revoke(ctx, c.HostID()); err != nil {
			t.Fatal(err)
		}
		_, err := c.Token(ctx, fabric.TokenRequest{Resource: hoststest.VM, Audience: "https://vault.azure.net"})
		var fe *fabric.Error
		if !errors.As(err, &fe) || fe.Code != fabric.CodeUnauthorized || fe.Status != http.StatusUnauthorized {
			t.Errorf("Token after revoke: %v", err)
		}
		if err := c.Renew(ctx); !IsUnauthorized(err) {
			t.Errorf("Renew after revoke: %v", err)
		}
	})
}

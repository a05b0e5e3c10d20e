package enrolment

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

var (
	quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))
	quiet       = WithLogger(quietLogger)
)

func testOpts(c *fakeClock) []Option {
	return []Option{quiet, WithNow(c.Now), WithAfter(c.After)}
}

func askToken(t *testing.T, c *Client, s *fabricServer) string {
	t.Helper()
	tok, err := c.Token(context.Background(), fabric.TokenRequest{Resource: s.hostID, Audience: "https://storage.azure.com"})
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok.AccessToken != "tok-"+s.lastSerial {
		t.Fatalf("token %q, server saw serial %q", tok.AccessToken, s.lastSerial)
	}
	return s.lastSerial
}

func TestJoinSavesStateAndCallsWithCertificate(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	dir := filepath.Join(newDir(t), "state")
	c := mustJoin(t, s, clock, dir)
	if c.HostID() != s.hostID {
		t.Errorf("HostID %q, want %q", c.HostID(), s.hostID)
	}
	if got := askToken(t, c, s); got != c.CertificateSerial() {
		t.Errorf("server saw serial %s, client holds %s", got, c.CertificateSerial())
	}
	for name, want := range map[string]os.FileMode{".": 0o700, keyFile: 0o600, certFile: 0o644, caFile: 0o644, hostFile: 0o644} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", name, info.Mode().Perm(), want)
		}
	}
	h, err := readHostInfo(dir)
	if err != nil || h.Server != s.URL || h.HostID != s.hostID || !h.ExpiresOn.Equal(c.ExpiresOn()) {
		t.Errorf("host.json = %+v, %v", h, err)
	}
	// The agent's answer for a resource not on this host is the server's
	// refusal, with its status.
	_, err = c.Token(context.Background(), fabric.TokenRequest{Resource: "/subscriptions/s/other", Audience: "x"})
	var fe *fabric.Error
	if !errors.As(err, &fe) || fe.Code != fabric.CodeResourceNotFound || fe.Status != http.StatusNotFound {
		t.Errorf("foreign resource: %v", err)
	}
}

func TestJoinRefusals(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	other := newFabricServer(t, clock)
	used := s.newToken(t)
	if _, err := Join(context.Background(), s.URL, used, newDir(t), testOpts(clock)...); err != nil {
		t.Fatal(err)
	}
	enrolled := newDir(t)
	if _, err := Join(context.Background(), s.URL, s.newToken(t), enrolled, testOpts(clock)...); err != nil {
		t.Fatal(err)
	}
	unregistered, _, _ := fabric.NewJoinToken(s.ca.Certificate().Raw) // right pin, never issued
	otherPinned := other.newToken(t)                                  // pins the other server's CA
	_, otherPin, _ := fabric.ParseJoinToken(otherPinned)
	tests := []struct {
		name, url, token, dir string
		want                  []string
		reachesJoin           bool
	}{
		{"malformed token", s.URL, "LJ1.nope", newDir(t), []string{"malformed join token"}, false},
		{"token pinning another CA", s.URL, otherPinned, newDir(t), []string{"refusing to join", otherPin, "SHA-256"}, false},
		{"reused token", s.URL, used, newDir(t), []string{"refused the join token", "unauthorized"}, true},
		{"unknown token", s.URL, unregistered, newDir(t), []string{"refused the join token"}, true},
		{"plain http", strings.Replace(s.URL, "https", "http", 1), s.newToken(t), newDir(t), []string{"must be https"}, false},
		{"url with path", s.URL + "/x", s.newToken(t), newDir(t), []string{"must be https"}, false},
		{"already enrolled", s.URL, s.newToken(t), enrolled, []string{"already holds an enrolment", s.hostID, "remove that directory"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.mu.Lock()
			before := s.joins
			s.mu.Unlock()
			_, err := Join(context.Background(), tc.url, tc.token, tc.dir, testOpts(clock)...)
			if err == nil {
				t.Fatal("joined")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			s.mu.Lock()
			reached := s.joins > before
			s.mu.Unlock()
			if reached != tc.reachesJoin {
				t.Errorf("join request sent = %v, want %v", reached, tc.reachesJoin)
			}
			if tc.dir != enrolled {
				if _, err := Load(tc.dir); !errors.Is(err, ErrNotEnrolled) {
					t.Errorf("refused join left state behind: %v", err)
				}
			}
		})
	}
	if _, err := Load(enrolled); err != nil {
		t.Errorf("refused re-join damaged the enrolment: %v", err)
	}
}

func TestLoadAfterRestartKeepsWorking(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	dir := newDir(t)
	c := mustJoin(t, s, clock, dir)
	c2, err := Load(dir, testOpts(clock)...)
	if err != nil {
		t.Fatal(err)
	}
	if c2.HostID() != c.HostID() || c2.CertificateSerial() != c.CertificateSerial() || !c2.RenewAfter().Equal(c.RenewAfter()) {
		t.Errorf("reloaded %s %s %s, joined %s %s %s", c2.HostID(), c2.CertificateSerial(), c2.RenewAfter(), c.HostID(), c.CertificateSerial(), c.RenewAfter())
	}
	askToken(t, c2, s)

	if err := os.Chmod(filepath.Join(dir, keyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "must not be readable") {
		t.Errorf("Load with a world-readable key: %v", err)
	}
	if _, err := Load(newDir(t)); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Load of an empty dir: %v", err)
	}
}

func TestRevokedHostIsUnauthorized(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	c := mustJoin(t, s, clock, newDir(t))
	s.revoke()
	_, err := c.Token(context.Background(), fabric.TokenRequest{Resource: s.hostID, Audience: "x"})
	var fe *fabric.Error
	if !errors.As(err, &fe) || fe.Code != fabric.CodeUnauthorized || fe.Status != http.StatusUnauthorized || !IsUnauthorized(err) {
		t.Fatalf("Token after revocation: %v", err)
	}
	// Run tries to renew at once (the fake clock is past RenewAfter) and
	// stops: only a new join can help.
	clock.Advance(13 * time.Hour)
	err = c.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "join again") {
		t.Errorf("Run after revocation: %v", err)
	}
}

// newDir is a state directory that does not exist yet (t.TempDir is 0755).
// mustJoin enrols a new client with s under dir, using a fresh join
// token; any failure ends the test.
func mustJoin(t *testing.T, s *fabricServer, clock *fakeClock, dir string) *Client {
	t.Helper()
	c, err := Join(context.Background(), s.URL, s.newToken(t), dir, testOpts(clock)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newDir(t *testing.T) string { return filepath.Join(t.TempDir(), "state") }

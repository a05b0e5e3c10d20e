package enrolment

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

func TestRunRenewsAndSwapsCertificate(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	dir := newDir(t)
	c := mustJoin(t, s, clock, dir)
	oldSerial := askToken(t, c, s)
	oldExpiry := c.ExpiresOn()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	if d := clock.next(t); d != 12*time.Hour {
		t.Errorf("first renewal after %s, want 12h (half the lifetime)", d)
	}
	// Run renews, then sets its timer for the new certificate's RenewAfter.
	w := <-clock.waits // set only once the renewal is done; not fired
	if w.d != 12*time.Hour {
		t.Errorf("second wait %s, want 12h", w.d)
	}
	newSerial := askToken(t, c, s)
	if newSerial == oldSerial || newSerial != c.CertificateSerial() {
		t.Errorf("after renewal the server saw %s (old %s, client %s)", newSerial, oldSerial, c.CertificateSerial())
	}
	if got := c.ExpiresOn().Sub(oldExpiry); got != 12*time.Hour { // renewed 12h after the join
		t.Errorf("renewed certificate expires %s after the first, want 12h", got)
	}
	// A restart comes back with the renewed certificate.
	reloaded, err := Load(dir, testOpts(clock)...)
	if err != nil {
		t.Fatal(err)
	}
	if reloaded.CertificateSerial() != newSerial {
		t.Errorf("reloaded serial %s, want %s", reloaded.CertificateSerial(), newSerial)
	}
	if _, err := os.Stat(filepath.Join(dir, nextKeyFile)); !os.IsNotExist(err) {
		t.Errorf("key.next.pem left behind: %v", err)
	}
	cancel()
	w.fire <- clock.Now()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
}

func TestRunRetriesWithBackoffUntilExpiry(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	s.lifetime = 10 * time.Minute
	c := mustJoin(t, s, clock, newDir(t))
	s.mu.Lock()
	s.failRenew = true
	s.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- c.Run(context.Background()) }()
	if d := clock.next(t); d != 5*time.Minute {
		t.Fatalf("first wait %s, want 5m", d)
	}
	var waits []time.Duration
	for {
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "expired") || !strings.Contains(err.Error(), "join again") {
				t.Errorf("Run: %v", err)
			}
			// 1s, 2s, 4s … doubling, the last one cut at the expiry.
			want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128}
			for i, w := range want {
				if i >= len(waits) || waits[i] != w*time.Second {
					t.Fatalf("backoff waits %v, want to start %v seconds", waits, want)
				}
			}
			if !clock.Now().Equal(c.ExpiresOn()) {
				t.Errorf("gave up at %s, certificate expires %s", clock.Now(), c.ExpiresOn())
			}
			return
		default:
		}
		select {
		case w := <-clock.waits:
			waits = append(waits, w.d)
			clock.Advance(w.d)
			w.fire <- clock.Now()
		case err := <-done:
			done <- err
		case <-time.After(10 * time.Second):
			t.Fatal("Run hung")
		}
	}
}

func TestRenewRecoversServerOutage(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	c := mustJoin(t, s, clock, newDir(t))
	old := c.CertificateSerial()
	s.mu.Lock()
	s.failRenew = true
	s.mu.Unlock()
	if err := c.Renew(context.Background()); err == nil {
		t.Fatal("renewal succeeded against a failing server")
	}
	if c.CertificateSerial() != old {
		t.Error("a failed renewal changed the certificate")
	}
	askToken(t, c, s) // still works with the old one
	s.mu.Lock()
	s.failRenew = false
	s.mu.Unlock()
	if err := c.Renew(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.CertificateSerial() == old {
		t.Error("renewal kept the old certificate")
	}
}

// A crash between writing a renewal's certificate and renaming its key, or
// before the certificate arrived, must leave a loadable pair.
func TestLoadFinishesInterruptedRenewal(t *testing.T) {
	clock := newFakeClock()
	s := newFabricServer(t, clock)
	dir := newDir(t)
	c := mustJoin(t, s, clock, dir)
	joined := c.CertificateSerial()
	key := func() []byte { b, _ := os.ReadFile(filepath.Join(dir, keyFile)); return b }

	// Crash before the certificate: a stray new key is discarded.
	if err := os.WriteFile(filepath.Join(dir, nextKeyFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := Load(dir); err != nil || l.CertificateSerial() != joined {
		t.Fatalf("Load with a stray key.next.pem: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, nextKeyFile)); !os.IsNotExist(err) {
		t.Error("stray key.next.pem kept")
	}

	// Crash after the certificate: the new key goes with it.
	if err := c.Renew(context.Background()); err != nil {
		t.Fatal(err)
	}
	newKey := key()
	if err := os.Rename(filepath.Join(dir, keyFile), filepath.Join(dir, nextKeyFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, keyFile), []byte("old key"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir, testOpts(clock)...)
	if err != nil {
		t.Fatalf("Load mid-renewal: %v", err)
	}
	if l.CertificateSerial() != c.CertificateSerial() || string(key()) != string(newKey) {
		t.Error("Load did not complete the renewal")
	}
	askToken(t, l, s)
}

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   string
		msg    string
	}{
		{"fabric error", 404, `{"error":"resource_not_found","error_description":"app x is not placed on this host"}`, fabric.CodeResourceNotFound, "app x is not placed"},
		{"ambiguous", 409, `{"error":"ambiguous_app","error_description":"2 apps"}`, fabric.CodeAmbiguousApp, "2 apps"},
		{"html 401", 401, `<html>no</html>`, fabric.CodeUnauthorized, "401"},
		{"html 502", 502, `<html>bad gateway</html>`, fabric.CodeServerError, "bad gateway"},
		{"empty 400", 400, ``, fabric.CodeInvalidRequest, "400"},
		{"huge", 500, strings.Repeat("x", maxResponse+10), "", "larger than"},
		{"ok but not json", 200, `nope`, "", "undecodable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			var out fabric.Token
			err := postJSON(context.Background(), srv.Client(), srv.URL, fabric.AppRequest{App: "x"}, &out)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want it to mention %q", err, tc.msg)
			}
			var fe *fabric.Error
			if tc.code == "" {
				if errors.As(err, &fe) {
					t.Errorf("got fabric error %v for a transport-level failure", fe)
				}
				return
			}
			if !errors.As(err, &fe) || fe.Code != tc.code || fe.Status != tc.status {
				t.Errorf("got %#v, want code %s status %d", err, tc.code, tc.status)
			}
		})
	}
}

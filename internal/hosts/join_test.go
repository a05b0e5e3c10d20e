package hosts

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

func TestJoinThenMutualTLS(t *testing.T) {
	e := newEnv(t)
	tok := e.joinToken(vmA)
	if _, pin, err := fabric.ParseJoinToken(tok); err != nil || !fabric.PinMatches(e.ca.Certificate().Raw, pin) {
		t.Fatalf("token %q does not pin the CA (%v)", tok, err)
	}
	cert, en := e.join(tok)
	if en.HostID != vmA || !en.ExpiresOn.Equal(cert.Leaf.NotAfter.UTC()) {
		t.Fatalf("enrolment %+v", en)
	}
	if want := e.clk.Now().Add(12 * time.Hour); en.RenewAfter.Sub(want).Abs() > time.Minute {
		t.Fatalf("renewAfter %v, want about %v", en.RenewAfter, want)
	}
	if code, got := e.tokenAs(&cert); code != 200 || got != "token-for "+vmA {
		t.Fatalf("token call: %d %s", code, got)
	}
	code, body := e.post(&cert, fabric.PathApp, `{"app":"web"}`)
	var app fabric.App
	json.Unmarshal(body, &app)
	if code != 200 || app.ID != vmA || app.Name != "web" {
		t.Fatalf("app call: %d %s", code, body)
	}
	// Without a certificate the fabric calls are refused.
	for _, p := range []string{fabric.PathToken, fabric.PathApp, fabric.PathRenew} {
		code, body := e.post(nil, p, `{}`)
		if code != 401 || !strings.Contains(string(body), `"error":"unauthorized"`) {
			t.Fatalf("%s without certificate: %d %s", p, code, body)
		}
	}
	h, err := e.st.GetHost(context.Background(), vmA)
	if err != nil || h.CertSerial != serialOf(cert.Leaf.SerialNumber) || h.JoinTokenHash != "" || !h.JoinedAt.Equal(e.clk.Now()) {
		t.Fatalf("stored host %+v (%v)", h, err)
	}
}

func TestJoinTokenRefused(t *testing.T) {
	e := newEnv(t)
	used := e.joinToken(vmA)
	e.join(used)
	replaced := e.joinToken(vmB)
	e.joinToken(vmB) // replaces the pending one
	forged, _, _ := fabric.NewJoinToken(e.ca.Certificate().Raw)
	deletedVM := testRG + "/providers/Microsoft.Compute/virtualMachines/gone"
	e.resource(deletedVM, typeVM)
	ofDeleted := e.joinToken(deletedVM)
	if err := e.st.DeleteResource(context.Background(), deletedVM); err != nil {
		t.Fatal(err)
	}
	expired := e.joinToken(vmB)
	e.clk.Add(DefaultJoinTokenLifetime)

	before, _ := e.st.ListHosts(context.Background())
	cases := map[string]string{
		"used": used, "replaced": replaced, "forged": forged, "expired": expired,
		"vm deleted": ofDeleted, "malformed": "LJ1.nope", "empty": "",
		"prefix only": "LJ1." + strings.Repeat("A", 43) + "." + strings.Repeat("0", 64),
	}
	var first string
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			req := fabric.JoinRequest{JoinToken: tok, CSR: csrPEM(t, newKey(t))}
			code, body := e.post(nil, fabric.PathJoin, mustJSON(t, req))
			if code != 401 || !strings.Contains(string(body), `"error":"unauthorized"`) {
				t.Fatalf("%d %s", code, body)
			}
			// One message for every reason.
			if first == "" {
				first = string(body)
			} else if string(body) != first {
				t.Fatalf("message differs: %s vs %s", body, first)
			}
		})
	}
	after, _ := e.st.ListHosts(context.Background())
	if mustJSON(t, before) != mustJSON(t, after) {
		t.Fatalf("a refused join changed hosts:\n%v\n%v", before, after)
	}
}

func TestJoinBadCSR(t *testing.T) {
	e := newEnv(t)
	tok := e.joinToken(vmA)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	good := csrPEM(t, newKey(t))
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 1
	cases := map[string]string{
		"empty":         "",
		"not pem":       "hello",
		"certificate":   strings.ReplaceAll(good, "CERTIFICATE REQUEST", "CERTIFICATE"),
		"p384":          csrPEM(t, p384),
		"rsa":           csrPEM(t, rsaKey),
		"ed25519":       csrPEM(t, edKey),
		"tampered":      string(tampered),
		"two blocks":    good + good,
		"trailing junk": good + "junk",
		"huge":          good + strings.Repeat(" ", maxCSR),
	}
	for name, csr := range cases {
		t.Run(name, func(t *testing.T) {
			code, body := e.post(nil, fabric.PathJoin, mustJSON(t, fabric.JoinRequest{JoinToken: tok, CSR: csr}))
			if code != 400 || !strings.Contains(string(body), `"error":"invalid_request"`) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
	// None of them consumed the token.
	e.join(tok)
}

func TestConcurrentJoinOneToken(t *testing.T) {
	e := newEnv(t)
	tok := e.joinToken(vmA)
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won []fabric.Enrolment
	for range n {
		wg.Go(func() {
			en, err := e.svc.Join(context.Background(), fabric.JoinRequest{JoinToken: tok, CSR: csrPEM(t, newKey(t))})
			var fe *fabric.Error
			switch {
			case err == nil:
				mu.Lock()
				won = append(won, en)
				mu.Unlock()
			case !errors.As(err, &fe) || fe.Code != fabric.CodeUnauthorized:
				t.Errorf("join: %v", err)
			}
		})
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d joins succeeded with one token", len(won))
	}
	cert, _ := e.enrolled([]byte(mustJSON(t, won[0])), nil)
	h, _ := e.st.GetHost(context.Background(), vmA)
	if h.CertSerial != serialOf(cert.Leaf.SerialNumber) {
		t.Fatalf("stored serial %s is not the winner's %s", h.CertSerial, serialOf(cert.Leaf.SerialNumber))
	}
}

func TestRejoinReplacesCertificate(t *testing.T) {
	e := newEnv(t)
	old, _ := e.join(e.joinToken(vmA))
	// A new token alone does not cut the running agent off.
	tok := e.joinToken(vmA)
	if code, _ := e.tokenAs(&old); code != 200 {
		t.Fatalf("old certificate refused before the re-join: %d", code)
	}
	cur, _ := e.join(tok)
	if code, _ := e.tokenAs(&old); code != 401 {
		t.Fatalf("old certificate after re-join: %d", code)
	}
	if code, got := e.tokenAs(&cur); code != 200 || got != "token-for "+vmA {
		t.Fatalf("new certificate: %d %s", code, got)
	}
}

func TestCreateJoinTokenNeedsVM(t *testing.T) {
	e := newEnv(t)
	for _, id := range []string{siteX, testRG + "/providers/Microsoft.Compute/virtualMachines/nope"} {
		if _, _, err := e.svc.CreateJoinToken(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s: %v, want ErrNotFound", id, err)
		}
	}
	// Case-insensitive, stored under the VM's own casing.
	if _, _, err := e.svc.CreateJoinToken(context.Background(), strings.ToUpper(vmA)); err != nil {
		t.Fatal(err)
	}
	hs, _ := e.st.ListHosts(context.Background())
	if len(hs) != 1 || hs[0].ID != vmA {
		t.Fatalf("hosts %+v", hs)
	}
}

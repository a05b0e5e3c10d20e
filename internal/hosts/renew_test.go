package hosts

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// renew renews over mTLS with cert and returns the new certificate.
func (e *env) renew(cert *tls.Certificate) (tls.Certificate, int) {
	e.t.Helper()
	key := newKey(e.t)
	code, body := e.post(cert, fabric.PathRenew, mustJSON(e.t, fabric.RenewRequest{CSR: csrPEM(e.t, key)}))
	if code != http.StatusOK {
		return tls.Certificate{}, code
	}
	c, en := e.enrolled(body, key)
	if en.HostID != vmA {
		e.t.Fatalf("renewed for %s", en.HostID)
	}
	return c, code
}

func TestRenew(t *testing.T) {
	e := newEnv(t)
	a, _ := e.join(e.joinToken(vmA))
	e.clk.Add(13 * time.Hour)
	b, code := e.renew(&a)
	if code != 200 {
		t.Fatalf("renew: %d", code)
	}
	// Both the new and the replaced certificate work.
	for name, c := range map[string]*tls.Certificate{"new": &b, "previous": &a} {
		if code, got := e.tokenAs(c); code != 200 || got != "token-for "+vmA {
			t.Fatalf("%s certificate: %d %s", name, code, got)
		}
	}
	// The answer with b was "lost": the agent renews with a again. b is
	// dropped, a stays the previous certificate.
	c, code := e.renew(&a)
	if code != 200 {
		t.Fatalf("renew with previous: %d", code)
	}
	h, _ := e.st.GetHost(context.Background(), vmA)
	if h.CertSerial != serialOf(c.Leaf.SerialNumber) || h.PrevCertSerial != serialOf(a.Leaf.SerialNumber) {
		t.Fatalf("serials %s/%s", h.CertSerial, h.PrevCertSerial)
	}
	if code, _ := e.tokenAs(&b); code != 401 {
		t.Fatalf("dropped certificate b: %d", code)
	}
	// Past a's expiry only c works, and a cannot renew any more.
	e.clk.Add(11*time.Hour + time.Minute)
	if code, _ := e.tokenAs(&a); code == 200 {
		t.Fatal("expired previous certificate accepted")
	}
	if _, code := e.renew(&a); code == 200 {
		t.Fatal("expired previous certificate renewed")
	}
	if code, _ := e.tokenAs(&c); code != 200 {
		t.Fatalf("current certificate: %d", code)
	}
	// A renewal with c makes a's row slot c's: a stays refused.
	d, code := e.renew(&c)
	if code != 200 {
		t.Fatalf("renew with current: %d", code)
	}
	h, _ = e.st.GetHost(context.Background(), vmA)
	if h.CertSerial != serialOf(d.Leaf.SerialNumber) || h.PrevCertSerial != serialOf(c.Leaf.SerialNumber) {
		t.Fatalf("serials %s/%s", h.CertSerial, h.PrevCertSerial)
	}
}

func TestRenewBadCSRChangesNothing(t *testing.T) {
	e := newEnv(t)
	a, _ := e.join(e.joinToken(vmA))
	before, _ := e.st.GetHost(context.Background(), vmA)
	for _, body := range []string{`{"csr":"nope"}`, `{"csr":""}`, `{}`} {
		if code, resp := e.post(&a, fabric.PathRenew, body); code != 400 {
			t.Fatalf("%s: %d %s", body, code, resp)
		}
	}
	after, _ := e.st.GetHost(context.Background(), vmA)
	if mustJSON(t, before) != mustJSON(t, after) {
		t.Fatalf("changed: %+v", after)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	a, _ := e.join(e.joinToken(vmA))
	b, _ := e.renew(&a) // a is now the previous certificate
	pending := e.joinToken(vmA)
	other, _ := e.join(e.joinToken(vmB))
	if err := e.svc.Revoke(context.Background(), vmA); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*tls.Certificate{"current": &b, "previous": &a} {
		if code, _ := e.tokenAs(c); code != 401 {
			t.Fatalf("%s certificate after revoke: %d", name, code)
		}
		if _, code := e.renew(c); code != 401 {
			t.Fatalf("%s certificate renewed after revoke: %d", name, code)
		}
	}
	req := fabric.JoinRequest{JoinToken: pending, CSR: csrPEM(t, newKey(t))}
	if code, body := e.post(nil, fabric.PathJoin, mustJSON(t, req)); code != 401 {
		t.Fatalf("pending token after revoke: %d %s", code, body)
	}
	// Another host is untouched; the revoked one can join again.
	if code, _ := e.tokenAs(&other); code != 200 {
		t.Fatalf("other host: %d", code)
	}
	again, _ := e.join(e.joinToken(vmA))
	if code, _ := e.tokenAs(&again); code != 200 {
		t.Fatalf("re-joined host: %d", code)
	}
	// Revoking a VM never enrolled succeeds; a missing VM does not.
	e.resource(testRG+"/providers/Microsoft.Compute/virtualMachines/fresh", typeVM)
	if err := e.svc.Revoke(context.Background(), testRG+"/providers/Microsoft.Compute/virtualMachines/fresh"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Revoke(context.Background(), testRG+"/providers/Microsoft.Compute/virtualMachines/none"); err == nil {
		t.Fatal("revoked a missing VM")
	}
}

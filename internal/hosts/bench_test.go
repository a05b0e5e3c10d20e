package hosts

import "testing"

// BenchmarkAuthenticate is the per-request cost of authenticating an agent:
// chain re-verification at the service's clock plus one indexed store
// lookup. Nothing is cached, so that a revocation applies at once.
func BenchmarkAuthenticate(b *testing.B) {
	e := newEnv(b)
	cert, _ := e.join(e.joinToken(vmA))
	r := withPeer(cert.Leaf)
	for b.Loop() {
		if _, _, err := e.svc.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

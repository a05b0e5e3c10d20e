package msi

import (
	"context"
	"testing"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// BenchmarkTokenCached is the server's hot path: placement, identity and
// attachment checked on the real SQLite store, then a cache hit.
func BenchmarkTokenCached(b *testing.B) {
	e := newEnv(b, "ES256")
	w := newWorld(b, e)
	f := e.svc.For(w.vm1.ID)
	for _, bc := range []struct {
		name string
		req  fabric.TokenRequest
	}{
		{"system", fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage}},
		{"client_id", fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage, ClientID: w.uai1.ClientID}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			if _, err := f.Token(ctx, bc.req); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := f.Token(ctx, bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTokenCachedParallel is the cached path from every core at once.
func BenchmarkTokenCachedParallel(b *testing.B) {
	e := newEnv(b, "ES256")
	w := newWorld(b, e)
	f := e.svc.For(w.vm1.ID)
	req := fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage}
	if _, err := f.Token(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.Token(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkTokenUncachedRS256(b *testing.B) { benchUncached(b, "RS256") }
func BenchmarkTokenUncachedES256(b *testing.B) { benchUncached(b, "ES256") }

// benchUncached signs on every request (the cache switched off).
func benchUncached(b *testing.B, alg string) {
	e := newEnv(b, alg)
	w := newWorld(b, e)
	e.svc.noCache = true
	f := e.svc.For(w.vm1.ID)
	req := fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage}
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.Token(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

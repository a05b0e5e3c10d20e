// Package signing owns the token-signing keys: it generates them, keeps their
// private halves sealed in the store, signs with the current key, rotates,
// and publishes every key a verifier may still meet as a JWKS.
package signing

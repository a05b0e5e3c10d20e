// Package tokentest builds, for other packages' tests, the real parts that
// issue and check Lanyard's tokens: the embedded SQLite store, a signing
// keyset sealed on it, and an issuer and verifier. It is imported only by
// _test.go files; nothing in the binary uses it.
package tokentest

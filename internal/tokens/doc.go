// Package tokens is Lanyard's token service: it mints and verifies
// Entra-shaped access tokens and serves the Entra-compatible OIDC discovery,
// JWKS and /oauth2/v2.0/token endpoints that MSAL and azidentity talk to.
package tokens

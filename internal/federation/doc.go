// Package federation owns federated identity credentials: the rules for
// the (issuer, subject, audience) triples a principal trusts, and fetching
// and caching those external issuers' OIDC discovery documents and JWKS so
// the token service can verify their tokens.
package federation

// Package tokenauth lets a service accept Lanyard access tokens and
// authorize them with Lanyard RBAC: Middleware verifies the bearer token
// against the issuer's published keys, and Require asks Lanyard's
// check-access API whether the caller holds a data action at a scope.
//
// It imports nothing from Lanyard's internal packages, so it can be used by
// any Go service (a test checks).
package tokenauth

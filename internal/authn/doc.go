// Package authn establishes who is calling: it verifies a request's bearer
// token and carries the resulting Caller in the request's context.
package authn

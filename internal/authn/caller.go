package authn

import (
	"context"
	"net/http"
	"strings"
)

// Caller is the authenticated principal of a request.
type Caller struct {
	PrincipalID string // oid
	TenantID    string // tid
	// Name is what denials show: a user's sign-in name or an app's display
	// name; falls back to the client ID.
	Name     string
	ClientID string // appid/azp of the calling application
	// IdentityType is "user" or "app" (the token's idtyp).
	IdentityType string
	Audience     string
}

type ctxKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// FromContext returns the caller, if the request was authenticated.
func FromContext(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(ctxKey{}).(Caller)
	return c, ok
}

// BearerToken extracts the token from "Authorization: Bearer <token>".
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const p = "bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	t := strings.TrimSpace(h[len(p):])
	return t, t != ""
}

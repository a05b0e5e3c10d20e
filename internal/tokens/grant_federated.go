package tokens

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
)

// federatedAssertion verifies a token from an external issuer against the
// client's federated identity credentials. The unverified iss, sub and aud
// select a credential first, so only issuers an administrator named are
// ever fetched: an arbitrary iss cannot make Lanyard dial out (SSRF).
func (h *Handler) federatedAssertion(ctx context.Context, a *assertion, p store.Principal, creds []store.Credential) *oauthError {
	iss, sub, auds := a.claims.Issuer, a.claims.Subject, []string(a.claims.Audience)
	var sameIssuer, sameSubject, match bool
	for _, c := range creds {
		if c.Kind != store.CredentialFederated {
			continue
		}
		fic, err := federation.Parse(c.Data)
		if err != nil {
			slog.ErrorContext(ctx, "unreadable federated credential skipped", "principal", p.ID, "credential", c.ID, "err", err)
			continue
		}
		if fic.Issuer != iss {
			continue
		}
		sameIssuer = true
		if fic.Subject != sub {
			continue
		}
		sameSubject = true
		if fic.HasAudience(auds) {
			match = true
			break
		}
	}
	switch {
	case !sameIssuer:
		return badRequest("invalid_request", 700211, "No matching federated identity record found for presented assertion issuer '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.", truncate(iss, 200))
	case !sameSubject:
		return badRequest("invalid_request", 700213, "No matching federated identity record found for presented assertion subject '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.", truncate(sub, 200))
	case !match:
		return badRequest("invalid_request", 700212, "No matching federated identity record found for presented assertion audience '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.", truncate(fmt.Sprint(auds), 200))
	}
	if h.cfg.Federation == nil {
		return badRequest("invalid_request", 7000216, "Federated credentials are not enabled on this server.")
	}
	key, err := h.cfg.Federation.Key(ctx, iss, a.header.KeyID)
	switch {
	case errors.Is(err, federation.ErrUnknownKey):
		return invalidClient(700027, err, "Client assertion failed signature validation. [Reason - The key was not found.]")
	case err != nil:
		e := badRequest("invalid_request", 50166, "Request to External OIDC endpoint failed.")
		e.Err = err
		return e
	}
	if key.Algorithm != "" && key.Algorithm != a.header.Algorithm {
		return invalidClient(700027, fmt.Errorf("header alg %q, key alg %q", truncate(a.header.Algorithm, 16), key.Algorithm),
			"Client assertion failed signature validation. [Reason - The algorithm does not match the key.]")
	}
	claims, err := a.verify(key.Key)
	if err != nil {
		return invalidClient(700027, err, "Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]")
	}
	// A federated token's lifetime is its issuer's business (Kubernetes
	// defaults to an hour, Lanyard's own managed-identity tokens to a day).
	if err := checkTimes(claims, h.cfg.Now(), 0); err != nil {
		return invalidClient(700024, err, "Client assertion is not within its valid time range. Current time: %s.", h.cfg.Now().UTC().Format("2006-01-02T15:04:05.0000000Z"))
	}
	return nil
}

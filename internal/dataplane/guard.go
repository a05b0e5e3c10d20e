package dataplane

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// Failure says why a request could not be authenticated.
type Failure int

// Authentication failures, each rendered by the service in its own format.
const (
	MissingToken  Failure = iota + 1 // no "Authorization: Bearer" header
	InvalidToken                     // bad signature, unknown key, wrong issuer, malformed, not yet valid
	ExpiredToken                     // exp (plus clock skew) has passed
	WrongAudience                    // valid, but issued for another service
)

// AuthError is a failed authentication. Err is the verifier's cause, for
// logs only: it may name keys or issuers an attacker should not learn.
type AuthError struct {
	Failure  Failure
	Audience string // the token's audience, for WrongAudience
	Err      error
}

func (e *AuthError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("dataplane: authentication failed (%d): %v", e.Failure, e.Err)
	}
	return fmt.Sprintf("dataplane: authentication failed (%d)", e.Failure)
}

func (e *AuthError) Unwrap() error { return e.Err }

// Checker is the RBAC view a Guard needs (*rbac.Index is one).
type Checker interface {
	Check(principalID, action, scopeKey string) bool
	CheckData(principalID, dataAction, scopeKey string) bool
	Explain(principalID, action string, isData bool, scopeStr string) rbac.Explanation
}

// Guard authenticates and authorizes data-plane requests.
type Guard struct {
	verifier *tokens.Verifier
	rbac     Checker
}

// NewGuard returns a Guard that trusts tokens v verifies and grants what c
// says.
func NewGuard(v *tokens.Verifier, c Checker) *Guard {
	return &Guard{verifier: v, rbac: c}
}

// Authenticate verifies r's bearer token and that it was issued for one of
// audiences (compared ignoring one trailing slash).
func (g *Guard) Authenticate(r *http.Request, audiences ...string) (authn.Caller, *AuthError) {
	raw, ok := authn.BearerToken(r)
	if !ok {
		return authn.Caller{}, &AuthError{Failure: MissingToken}
	}
	c, err := g.verifier.Verify(raw)
	switch {
	case errors.Is(err, tokens.ErrExpiredToken):
		return authn.Caller{}, &AuthError{Failure: ExpiredToken, Err: err}
	case err != nil:
		return authn.Caller{}, &AuthError{Failure: InvalidToken, Err: err}
	case !c.HasAudience(audiences...):
		return authn.Caller{}, &AuthError{Failure: WrongAudience, Audience: c.Audience}
	}
	clientID := c.AppID
	if clientID == "" {
		clientID = c.AuthorizedParty
	}
	return authn.Caller{
		PrincipalID: c.ObjectID, TenantID: c.TenantID, Name: c.DisplayName(), ClientID: clientID,
		IdentityType: c.IdentityType, Audience: c.Audience,
	}, nil
}

// Denied is a failed authorization.
type Denied struct {
	Caller     authn.Caller
	DataAction string // the action that was missing (see IsAction)
	Scope      string
	// IsAction: DataAction is a control-plane action (some data-plane
	// operations, such as creating a blob container, are authorized by
	// one, as in Azure).
	IsAction bool
	// Reason is rbac's explanation: what was missing and which built-in
	// role would grant it.
	Reason string
}

func (d *Denied) Error() string { return d.Message() }

// Message is the client-visible text: which data action was missing at
// which scope, and what would grant it.
func (d *Denied) Message() string {
	kind := "data action"
	if d.IsAction {
		kind = "action"
	}
	return fmt.Sprintf("This request is not authorized to perform this operation using this permission. "+
		"Principal %s lacks the %s %s at scope %s. %s", d.Caller.PrincipalID, kind, d.DataAction, d.Scope, d.Reason)
}

// Authorize checks that c may perform dataAction at scope, a canonical
// resource ID such as an account's ID + "/blobServices/default/containers/c".
// The check itself does not allocate; only a denial is explained.
func (g *Guard) Authorize(c authn.Caller, dataAction, scope string) *Denied {
	if c.PrincipalID != "" && g.rbac.CheckData(c.PrincipalID, dataAction, strings.ToLower(scope)) {
		return nil
	}
	e := g.rbac.Explain(c.PrincipalID, dataAction, true, scope)
	return &Denied{Caller: c, DataAction: dataAction, Scope: scope, Reason: e.Reason}
}

// AuthorizeAction is Authorize for a control-plane action: Azure checks
// some data-plane operations (creating, listing and deleting blob
// containers) against the container actions that Storage Blob Data
// Reader/Contributor/Owner carry as Actions.
func (g *Guard) AuthorizeAction(c authn.Caller, action, scope string) *Denied {
	if c.PrincipalID != "" && g.rbac.Check(c.PrincipalID, action, strings.ToLower(scope)) {
		return nil
	}
	e := g.rbac.Explain(c.PrincipalID, action, false, scope)
	return &Denied{Caller: c, DataAction: action, Scope: scope, IsAction: true, Reason: e.Reason}
}

// Allowed is Authorize as a boolean, for checks whose denial is not
// reported (a list filtered by permission, say).
func (g *Guard) Allowed(c authn.Caller, dataAction, scope string) bool {
	return c.PrincipalID != "" && g.rbac.CheckData(c.PrincipalID, dataAction, strings.ToLower(scope))
}

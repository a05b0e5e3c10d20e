package fabric

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Fabric is what one host may ask of the server. Every call is made on
// behalf of a resource placed on that host; the server refuses resources
// placed elsewhere with CodeResourceNotFound (so a host cannot probe which
// resources exist).
type Fabric interface {
	// Token returns a managed-identity token for one identity of
	// req.Resource. Tokens are cached server-side per (identity, audience).
	Token(ctx context.Context, req TokenRequest) (Token, error)
	// App resolves an app (Microsoft.Web/sites) placed on this host by name
	// or resource ID, with its app settings.
	App(ctx context.Context, nameOrID string) (App, error)
}

// TokenRequest asks for a token for one identity of Resource.
type TokenRequest struct {
	// Resource is the resource ID of the app or VM asking.
	Resource string `json:"resource"`
	// Audience is the target resource ("https://storage.azure.com"), with
	// any "/.default" already stripped; the token's aud is exactly this.
	Audience string `json:"audience"`
	// At most one selector: a user-assigned identity attached to Resource
	// by client ID, object (principal) ID or identity resource ID. None
	// selects Resource's system-assigned identity.
	ClientID     string `json:"clientId,omitempty"`
	ObjectID     string `json:"objectId,omitempty"`
	MIResourceID string `json:"miResourceId,omitempty"`
}

// Token is an issued managed-identity token.
type Token struct {
	AccessToken string    `json:"accessToken"`
	NotBefore   time.Time `json:"notBefore"`
	ExpiresOn   time.Time `json:"expiresOn"`
	// Audience is the aud claim (as requested).
	Audience string `json:"audience"`
	// The identity the token is for.
	ClientID     string `json:"clientId"`
	PrincipalID  string `json:"principalId"`
	MIResourceID string `json:"miResourceId"` // xms_mirid
}

// App is an app placed on the host.
type App struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Settings map[string]string `json:"appSettings"`
}

// Error codes. The agent maps them to each protocol's responses.
const (
	// CodeInvalidRequest: malformed request (bad selector, several
	// selectors, malformed IDs).
	CodeInvalidRequest = "invalid_request"
	// CodeInvalidResource: the audience is not a valid resource URI/GUID.
	CodeInvalidResource = "invalid_resource"
	// CodeResourceNotFound: the asking resource or app does not exist or
	// is not placed on this host.
	CodeResourceNotFound = "resource_not_found"
	// CodeIdentityNotFound: the resource has no system-assigned identity
	// (no selector), or the selector names no identity attached to it.
	CodeIdentityNotFound = "identity_not_found"
	// CodeAmbiguousApp: an app name matches several apps on the host.
	CodeAmbiguousApp = "ambiguous_app"
	// CodeUnauthorized: the caller is not an enrolled host (no, expired,
	// unknown or revoked client certificate; bad join token).
	CodeUnauthorized = "unauthorized"
	// CodeServerError: the server failed; the cause is logged there.
	CodeServerError = "server_error"
)

// Error is a refused fabric call. Status is its HTTP status on the wire.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Message string `json:"error_description"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an Error with the status conventional for code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Status: StatusFor(code), Code: code, Message: fmt.Sprintf(format, args...)}
}

// StatusFor is the HTTP status of an error code on the agent↔server wire.
func StatusFor(code string) int {
	switch code {
	case CodeInvalidRequest, CodeInvalidResource, CodeIdentityNotFound:
		return http.StatusBadRequest
	case CodeResourceNotFound:
		return http.StatusNotFound
	case CodeAmbiguousApp:
		return http.StatusConflict
	case CodeUnauthorized:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

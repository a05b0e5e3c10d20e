package federation

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Entra's limits and defaults for federated identity credentials.
const (
	// DefaultAudience is what Entra suggests and fills in when none is given.
	DefaultAudience = "api://AzureADTokenExchange"
	// MaxPerPrincipal is Entra's limit of credentials per application or identity.
	MaxPerPrincipal = 20
	MaxSubject      = 600
	MaxIssuer       = 600
	MaxAudience     = 600
	MaxDescription  = 600
	MaxName         = 120
)

// Credential is one federated identity credential: a token from Issuer
// whose sub is Subject and whose aud contains one of Audiences signs the
// principal in. It is stored as the JSON of store.Credential.Data.
type Credential struct {
	Name        string   `json:"name"`
	Issuer      string   `json:"issuer"`
	Subject     string   `json:"subject"`
	Audiences   []string `json:"audiences"`
	Description string   `json:"description,omitempty"`
}

// ValidationError is a client mistake; its text is safe to show.
type ValidationError struct{ Msg string }

func (e *ValidationError) Error() string { return e.Msg }

func invalid(format string, args ...any) error {
	return &ValidationError{Msg: fmt.Sprintf(format, args...)}
}

// nameRE is Entra's rule: starts with a letter or digit, then letters,
// digits, '-' and '_'; ARM uses the name as a path segment.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Normalize fills the default audience and checks every rule, returning the
// first problem as a *ValidationError.
func (c *Credential) Normalize() error {
	if len(c.Name) < 3 || len(c.Name) > MaxName || !nameRE.MatchString(c.Name) {
		return invalid("The federated identity credential name '%s' is invalid: use 3 to %d letters, digits, '-' or '_', starting with a letter or digit.", clip(c.Name), MaxName)
	}
	if err := CheckIssuer(c.Issuer); err != nil {
		return err
	}
	if c.Subject == "" || len(c.Subject) > MaxSubject || strings.TrimSpace(c.Subject) != c.Subject {
		return invalid("The subject must be 1 to %d characters without leading or trailing spaces.", MaxSubject)
	}
	if len(c.Audiences) == 0 {
		c.Audiences = []string{DefaultAudience}
	}
	if len(c.Audiences) != 1 {
		return invalid("Exactly one audience is supported; got %d.", len(c.Audiences))
	}
	if a := c.Audiences[0]; a == "" || len(a) > MaxAudience || strings.TrimSpace(a) != a {
		return invalid("The audience must be 1 to %d characters without spaces around it.", MaxAudience)
	}
	if len(c.Description) > MaxDescription {
		return invalid("The description must be at most %d characters.", MaxDescription)
	}
	return nil
}

// CheckIssuer requires an absolute https URL with a host and no query,
// fragment or user information: only such issuers are ever fetched.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || len(issuer) > MaxIssuer || u.Scheme != "https" || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.Contains(issuer, "#") || strings.ContainsAny(issuer, " \t\r\n") {
		return invalid("The issuer '%s' is invalid: it must be an absolute https URL without query or fragment.", clip(issuer))
	}
	return nil
}

// Marshal returns c as stored in store.Credential.Data.
func (c Credential) Marshal() []byte {
	b, _ := json.Marshal(c) // cannot fail: strings only
	return b
}

// Parse reads a stored credential.
func Parse(data []byte) (Credential, error) {
	var c Credential
	if err := json.Unmarshal(data, &c); err != nil {
		return Credential{}, fmt.Errorf("federation: stored credential: %w", err)
	}
	return c, nil
}

// Matches reports whether a token from issuer for subject and audiences is
// accepted by c. Issuer and subject compare exactly, as in Entra.
func (c Credential) Matches(issuer, subject string, audiences []string) bool {
	return c.Issuer == issuer && c.Subject == subject && c.HasAudience(audiences)
}

// HasAudience reports whether one of audiences is one of c's.
func (c Credential) HasAudience(audiences []string) bool {
	for _, a := range audiences {
		for _, want := range c.Audiences {
			if a == want {
				return true
			}
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

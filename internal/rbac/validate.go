package rbac

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// ErrInvalidRole is wrapped by every ValidateRoleDefinition error; the
// message after it is fit to show the client.
var ErrInvalidRole = errors.New("invalid role definition")

// maxActionLen bounds an action pattern; real ones stay under 200 characters.
const maxActionLen = 512

// ValidateRoleDefinition checks a custom role before it is stored: a name, at
// least one permission block, well-formed action patterns and parseable
// assignable scopes.
func ValidateRoleDefinition(d store.RoleDefinition) error {
	if strings.TrimSpace(d.RoleName) == "" {
		return fmt.Errorf("%w: roleName is required", ErrInvalidRole)
	}
	if len(d.Permissions) == 0 {
		return fmt.Errorf("%w: at least one permission block is required", ErrInvalidRole)
	}
	for i, p := range d.Permissions {
		lists := []struct {
			name string
			v    []string
		}{{"actions", p.Actions}, {"notActions", p.NotActions}, {"dataActions", p.DataActions}, {"notDataActions", p.NotDataActions}}
		for _, l := range lists {
			for _, a := range l.v {
				if err := validateAction(a); err != nil {
					return fmt.Errorf("%w: permissions[%d].%s: %q %v", ErrInvalidRole, i, l.name, truncate(a), err)
				}
			}
		}
	}
	if len(d.AssignableScopes) == 0 {
		return fmt.Errorf("%w: at least one assignable scope is required", ErrInvalidRole)
	}
	for _, s := range d.AssignableScopes {
		if _, err := scope.Parse(s); err != nil {
			return fmt.Errorf("%w: assignableScopes: %v", ErrInvalidRole, err)
		}
	}
	return nil
}

// validateAction accepts "*", "*/{op}" forms and "{Namespace}/{path}" with
// '*' allowed inside: printable ASCII, no spaces, no empty path segments, no
// "**" (redundant, and a sign of a typo).
func validateAction(a string) error {
	switch {
	case a == "":
		return errors.New("is empty")
	case len(a) > maxActionLen:
		return fmt.Errorf("is longer than %d characters", maxActionLen)
	case strings.Contains(a, "**"):
		return errors.New("has consecutive wildcards")
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; c <= ' ' || c >= 0x7f {
			return errors.New("has a space, control or non-ASCII character")
		}
	}
	if a == "*" {
		return nil
	}
	for _, seg := range strings.Split(a, "/") {
		if seg == "" {
			return errors.New("has an empty segment")
		}
	}
	if !strings.Contains(a, "/") {
		return errors.New("must be '*' or '{Namespace}/{path}'")
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

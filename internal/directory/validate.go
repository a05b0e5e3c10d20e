package directory

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits follow Entra where it has one.
const (
	minPassword    = 8
	maxPassword    = 256
	maxDisplayName = 256
	maxLocalPart   = 64
	maxUserName    = 256
)

var (
	localPartRE = regexp.MustCompile(`^[A-Za-z0-9_%+'!#^~-]+(\.[A-Za-z0-9_%+'!#^~-]+)*$`)
	domainRE    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)
)

// checkUserName requires a user principal name: name@domain.
func checkUserName(s string) error {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || len(s) > maxUserName || len(local) > maxLocalPart || !localPartRE.MatchString(local) || !domainRE.MatchString(domain) {
		return badRequest("Property userPrincipalName is invalid: it must look like name@domain (letters, digits and ._%%+'!#^~- before the @, a domain name after it).")
	}
	return nil
}

// checkPassword enforces length only: NIST SP 800-63B advises against
// composition rules, and the upper bound keeps hashing cost bounded.
func checkPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return badRequest("The password must be valid UTF-8 text.")
	}
	if n := utf8.RuneCountInString(pw); n < minPassword || n > maxPassword {
		return badRequest("The password must be between %d and %d characters long.", minPassword, maxPassword)
	}
	return nil
}

// checkDisplayName requires 1–256 printable characters.
func checkDisplayName(s string) error {
	if strings.TrimSpace(s) == "" {
		return badRequest("Property displayName is required.")
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxDisplayName {
		return badRequest("Property displayName must be valid text of at most %d characters.", maxDisplayName)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return badRequest("Property displayName must not contain control characters.")
		}
	}
	return nil
}

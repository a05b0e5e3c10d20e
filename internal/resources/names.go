package resources

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lanyardhq/lanyard/internal/arm"
)

// nameRule checks a resource name; it returns the client-visible reason.
type nameRule func(name string) string

// genericName is ARM's rule for resource groups and most types: 1–90
// letters, digits, '-', '_', '.', '(' and ')', not ending in '.'.
func genericName(name string) string {
	if n := utf8.RuneCountInString(name); n < 1 || n > 90 {
		return "must be 1 to 90 characters long"
	}
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune("-_.()", c) {
			return "may contain only letters, digits, '-', '_', '.', '(' and ')'"
		}
	}
	if strings.HasSuffix(name, ".") {
		return "may not end with '.'"
	}
	return ""
}

// storageName: 3–24 lower-case ASCII letters and digits (the name becomes a
// DNS label in Azure, hence global).
func storageName(name string) string {
	if !ValidStorageName(name) {
		if len(name) < 3 || len(name) > 24 {
			return "must be 3 to 24 characters long"
		}
		return "may contain only lower-case letters and digits"
	}
	if ReservedStorageName(name) {
		return "is reserved: path-style blob URLs (https://host/{account}/...) share the first path segment with Lanyard's own endpoints"
	}
	return ""
}

// ValidStorageName reports whether name has the shape of a storage account
// name (3–24 lower-case ASCII letters and digits).
func ValidStorageName(name string) bool {
	if len(name) < 3 || len(name) > 24 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// reservedStorageNames are the first path segments of Lanyard's own
// endpoints (and a few kept for later ones). The server routes
// "/{segment}/..." to blob storage when the segment is a valid account name
// not in this list, so no account may take one of these names.
var reservedStorageNames = map[string]bool{
	"subscriptions": true, "providers": true, "tenants": true, "lanyard": true, "healthz": true,
	"readyz": true, "livez": true, "metrics": true, "metadata": true, "msi": true, "vaults": true,
	"common": true, "organizations": true, "consumers": true, "oauth2": true, "login": true,
	"devicelogin": true, "portal": true, "static": true, "api": true, "admin": true,
}

// ReservedStorageName reports whether name is kept for Lanyard's endpoints.
func ReservedStorageName(name string) bool { return reservedStorageNames[strings.ToLower(name)] }

// vaultName: 3–24 ASCII letters, digits and hyphens, starting with a
// letter, ending with a letter or digit, without consecutive hyphens.
func vaultName(name string) string {
	if len(name) < 3 || len(name) > 24 {
		return "must be 3 to 24 characters long"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "may contain only letters, digits and hyphens"
		}
	}
	if c := name[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return "must start with a letter"
	}
	if name[len(name)-1] == '-' || strings.Contains(name, "--") {
		return "must end with a letter or digit and may not contain consecutive hyphens"
	}
	return ""
}

func checkName(typ, name string, rule nameRule) error {
	if why := rule(name); why != "" {
		code := "InvalidResourceName"
		if typ == typeGroups {
			code = "InvalidResourceGroupName"
		}
		return arm.BadRequest(code, "The name '%s' of the %s resource is invalid: it %s.", name, typ, why)
	}
	return nil
}

// ARM's tag limits.
const (
	maxTags        = 50
	maxTagName     = 512
	maxTagValueLen = 256
)

func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return arm.BadRequest("InvalidTag", "A resource may have at most %d tags.", maxTags)
	}
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > maxTagName || strings.ContainsAny(k, "<>%&\\?/") {
			return arm.BadRequest("InvalidTagNameCharacters", "Tag names must be 1 to %d characters and may not contain '<', '>', '%%', '&', '\\', '?' or '/'.", maxTagName)
		}
		if utf8.RuneCountInString(v) > maxTagValueLen {
			return arm.BadRequest("InvalidTag", "Tag values may be at most %d characters.", maxTagValueLen)
		}
	}
	return nil
}

// sameLocation compares locations as ARM does: "West US" equals "westus".
func sameLocation(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
	return norm(a) == norm(b)
}

func checkLocation(loc *string) (string, error) {
	if loc == nil || strings.TrimSpace(*loc) == "" {
		return "", errLocationRequired
	}
	if len(*loc) > 90 {
		return "", arm.BadRequest("LocationNotAvailableForResourceType", "The location is too long.")
	}
	return *loc, nil
}

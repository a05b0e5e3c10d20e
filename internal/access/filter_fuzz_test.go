package access

import (
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/scope"
)

// FuzzFilters: the $filter parsers take raw query text; they must never
// panic, and whatever they accept must name a GUID principal or a known
// role type.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{"", "atScope()", "principalId eq '" + alice + "'", "assignedTo('" + alice + "')",
		"atScope() and assignedTo('" + alice + "')", "roleName eq 'Storage Blob Data Reader'", "type eq 'CustomRole'", "assignedTo(')", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if af, err := parseAssignmentFilter(s); err == nil && af.subject != "" && !scope.IsGUID(af.subject) {
			t.Errorf("%q: accepted subject %q", s, af.subject)
		}
		if df, err := parseDefinitionFilter(s); err == nil && df.roleType != "" &&
			!strings.EqualFold(df.roleType, builtInRole) && !strings.EqualFold(df.roleType, customRole) {
			t.Errorf("%q: accepted type %q", s, df.roleType)
		}
	})
}

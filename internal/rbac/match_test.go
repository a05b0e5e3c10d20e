package rbac

import (
	"regexp"
	"strings"
	"testing"
)

func TestMatchAction(t *testing.T) {
	cases := []struct {
		pat, action string
		want        bool
	}{
		{"*", "anything/at/all", true},
		{"*/read", "Microsoft.Web/sites/read", true},
		{"*/read", "Microsoft.Web/sites/readx", false},
		{"*/read", "Microsoft.Web/sites/write", false},
		{"Microsoft.ServiceBus/*/send/action", "microsoft.servicebus/namespaces/queues/send/action", true},
		// "/*/" also stands for no segment (Managed Identity Operator).
		{"Microsoft.ServiceBus/*/send/action", "Microsoft.ServiceBus/send/action", true},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", true},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentities/x/y/assign/action", true},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentitiesassign/action", false},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentities/xassign/action", false},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/read", "Microsoft.ManagedIdentity/userAssignedIdentities/read", true},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/read", "Microsoft.ManagedIdentity/userAssignedIdentities/write", false},
		{"Microsoft.Storage/*/read", "Microsoft.Storage/storageAccounts/read", true},
		{"Microsoft.Storage/*/read", "Microsoft.Storage/read", true},
		{"Microsoft.Storage/*/read", "Microsoft.Storageread", false},
		{"a/*/", "a/", true},
		{"a/*/", "a/x/", true},
		{"a/*/", "a/x", false},
		{"a/*/*/b", "a/x/y/b", true},
		{"a/*/*/b", "a//b", true}, // "/*/" rewrites left to right, not overlapping
		{"*/*/read", "x/read", true},
		{"/*/", "/", true},
		{"/*/", "//", true},
		{"a/*x/b", "a/b", false}, // not a whole segment: an ordinary star
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true},
		{"Microsoft.Storage/storageAccounts/read", "MICROSOFT.STORAGE/STORAGEACCOUNTS/READ", true},
		{"Microsoft.Storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/read/x", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXcYb", false},
		{"", "", true},
		{"", "x", false},
	}
	for _, c := range cases {
		if got := MatchAction(c.pat, c.action); got != c.want {
			t.Errorf("MatchAction(%q, %q) = %v", c.pat, c.action, got)
		}
	}
}

func TestMatchZeroAlloc(t *testing.T) {
	p := compilePattern("Microsoft.ServiceBus/*/send/action")
	if n := testing.AllocsPerRun(100, func() {
		p.match("Microsoft.ServiceBus/namespaces/queues/send/action")
		p.match("Microsoft.ServiceBus/send/action")
	}); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}

// referenceMatch is the obvious regexp translation, over ASCII-folded input:
// "/*/" (left to right, not overlapping) becomes "/(?:.*/)?", any other '*'
// becomes ".*".
func referenceMatch(pat, action string) bool {
	var re strings.Builder
	pat = asciiLower(pat)
	for i := 0; i < len(pat); i++ {
		switch {
		case strings.HasPrefix(pat[i:], "/*/"):
			re.WriteString(`/(?:.*/)?`)
			i += 2
		case pat[i] == '*':
			re.WriteString(`.*`)
		default:
			re.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	return regexp.MustCompile(`^(?s:` + re.String() + `)$`).MatchString(asciiLower(action))
}

func FuzzMatchAction(f *testing.F) {
	f.Add("Microsoft.ServiceBus/*/send/action", "Microsoft.ServiceBus/namespaces/q/send/action")
	f.Add("*/read", "a/READ")
	f.Add("a*b*c*", "abcabc")
	f.Add("**", "")
	f.Add("a/*/*/b", "a/b")
	f.Add("x/*/y/*/z", "x/y/q/z")
	f.Add("/*/", "/")
	f.Fuzz(func(t *testing.T, pat, action string) {
		if len(pat) > 64 || len(action) > 256 {
			return
		}
		// Bytes >= 0x80 would be split into invalid UTF-8 by the regexp
		// engine's rune view; action names are ASCII.
		for _, s := range []string{pat, action} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					return
				}
			}
		}
		if got, want := MatchAction(pat, action), referenceMatch(pat, action); got != want {
			t.Fatalf("MatchAction(%q, %q) = %v, reference %v", pat, action, got, want)
		}
	})
}

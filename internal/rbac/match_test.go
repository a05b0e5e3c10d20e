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
		{"Microsoft.ServiceBus/*/send/action", "Microsoft.ServiceBus/send/action", false},
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
	if n := testing.AllocsPerRun(100, func() { p.match("Microsoft.ServiceBus/namespaces/queues/send/action") }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}

// referenceMatch is the obvious regexp translation, over ASCII-folded input.
func referenceMatch(pat, action string) bool {
	parts := strings.Split(asciiLower(pat), "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^(?s:` + strings.Join(parts, ".*") + `)$`).MatchString(asciiLower(action))
}

func FuzzMatchAction(f *testing.F) {
	f.Add("Microsoft.ServiceBus/*/send/action", "Microsoft.ServiceBus/namespaces/q/send/action")
	f.Add("*/read", "a/READ")
	f.Add("a*b*c*", "abcabc")
	f.Add("**", "")
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

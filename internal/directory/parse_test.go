package directory

import (
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func TestParseFilter(t *testing.T) {
	for _, tc := range []struct {
		in, prop, val string
		ok            bool
	}{
		{"", "", "", true},
		{"appId eq 'abc'", "appId", "abc", true},
		{"appid eq 'abc'", "appId", "abc", true},
		{"  displayName eq 'O''Brien'  ", "displayName", "O'Brien", true},
		{"displayName eq ''", "displayName", "", true},
		{"displayName ne 'x'", "", "", false},
		{"startswith(displayName,'x')", "", "", false},
		{"displayName eq 'a' or appId eq 'b'", "", "", false},
		{"displayName eq 'unterminated", "", "", false},
		{"displayName eq 'a'b'", "", "", false},
		{"userPrincipalName eq 'a@b'", "", "", false}, // not allowed here
		{"accountEnabled eq true", "", "", false},
	} {
		prop, val, err := parseFilter(tc.in, "appId", "displayName")
		if (err == nil) != tc.ok || prop != tc.prop || val != tc.val {
			t.Errorf("parseFilter(%q) = %q, %q, %v; want %q, %q, ok=%v", tc.in, prop, val, err, tc.prop, tc.val, tc.ok)
		}
	}
}

func TestCheckUserName(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"alice@contoso.com", true},
		{"Alice.Smith+ops@lanyard.local", true},
		{"admin@localhost", true},
		{"o'brien@x.io", true},
		{"alice", false},
		{"@contoso.com", false},
		{"alice@", false},
		{"alice@@contoso.com", false},
		{"a b@contoso.com", false},
		{".alice@contoso.com", false},
		{"al..ice@contoso.com", false},
		{"alice@-contoso.com", false},
		{"alice@contoso..com", false},
		{"alice@contoso.com/x", false},
		{"alice\n@contoso.com", false},
		{strings.Repeat("a", 65) + "@contoso.com", false},
	} {
		if err := checkUserName(tc.in); (err == nil) != tc.ok {
			t.Errorf("checkUserName(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"1234567", false},
		{"12345678", true},
		{"ééééééé", false}, // 7 characters, 14 bytes
		{"éééééééé", true},
		{strings.Repeat("x", 256), true},
		{strings.Repeat("x", 257), false},
		{"abcdefg\xff", false},
	} {
		if err := checkPassword(tc.in); (err == nil) != tc.ok {
			t.Errorf("checkPassword(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestMemberFromRef(t *testing.T) {
	const id = "0b1f4c3e-7d2a-4c39-9a57-2f1f6e8b9c10"
	for _, tc := range []struct {
		in, want string
	}{
		{"https://graph.microsoft.com/v1.0/directoryObjects/" + id, id},
		{"https://localhost:8443/v1.0/users/" + id, id},
		{"https://h/v1.0/directoryObjects/not-a-guid", ""},
		{"https://h/v1.0/applications/" + id, ""},
		{id, ""},
		{"", ""},
	} {
		got, err := memberFromRef(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("memberFromRef(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestReaches(t *testing.T) {
	edges := []store.Membership{{GroupID: "a", MemberID: "b"}, {GroupID: "b", MemberID: "c"}, {GroupID: "c", MemberID: "u"}, {GroupID: "x", MemberID: "a"}}
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"a", "c", true}, {"a", "u", true}, {"c", "a", false}, {"a", "a", true}, {"x", "u", true}, {"u", "a", false},
	} {
		if got := reaches(edges, tc.from, tc.to); got != tc.want {
			t.Errorf("reaches(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

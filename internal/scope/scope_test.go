package scope

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	cases := []struct {
		in, canon, typ, name string
	}{
		{"/", "/", "", ""},
		{"/subscriptions/S1", "/subscriptions/S1", "Microsoft.Resources/subscriptions", "S1"},
		{"/SUBSCRIPTIONS/s1/resourcegroups/RG/", "/subscriptions/s1/resourceGroups/RG", "Microsoft.Resources/resourceGroups", "RG"},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app1", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app1", "Microsoft.Web/sites", "app1"},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c",
			"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c",
			"Microsoft.Storage/storageAccounts/blobServices/containers", "c"},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/providers/Microsoft.Authorization/roleAssignments/r1",
			"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/providers/Microsoft.Authorization/roleAssignments/r1",
			"Microsoft.Authorization/roleAssignments", "r1"},
		{"/providers/Microsoft.Authorization/roleDefinitions/x", "/providers/Microsoft.Authorization/roleDefinitions/x", "Microsoft.Authorization/roleDefinitions", "x"},
	}
	for _, c := range cases {
		id, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got := id.String(); got != c.canon {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.canon)
		}
		if got := id.Type(); got != c.typ {
			t.Errorf("Type(%q) = %q, want %q", c.in, got, c.typ)
		}
		if got := id.Name(); got != c.name {
			t.Errorf("Name(%q) = %q, want %q", c.in, got, c.name)
		}
		again, err := Parse(id.String())
		if err != nil || again.Key() != id.Key() {
			t.Errorf("re-parse of %q: %v %q", id.String(), err, again.Key())
		}
	}
}

func TestParseRejects(t *testing.T) {
	bad := []string{
		"", "subscriptions/s", "/subscriptions//resourceGroups/g", "/subscriptions/s/resourceGroups/g/sites/x",
		"/subscriptions/s/providers", "/subscriptions/s/providers/Microsoft.Web", "/subscriptions/s/providers/Microsoft.Web/sites",
		"/subscriptions/s/resourceGroups/..", "/subscriptions/s/resourceGroups/a\x00b", "/subscriptions/s/providers/Bad Ns/t/n",
		"/" + strings.Repeat("a/", 2000),
	}
	for _, s := range bad {
		if _, err := Parse(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", s, err)
		}
	}
}

func TestParseCollection(t *testing.T) {
	cases := map[string]string{
		"/subscriptions":                  "Microsoft.Resources/subscriptions",
		"/subscriptions/s/resourcegroups": "Microsoft.Resources/resourceGroups",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites":                                                     "Microsoft.Web/sites",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices":                        "Microsoft.Storage/storageAccounts/blobServices",
		"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments":                                                  "Microsoft.Authorization/roleAssignments",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a/providers/Microsoft.Authorization/roleAssignments": "Microsoft.Authorization/roleAssignments",
	}
	for in, want := range cases {
		_, typ, err := ParseCollection(in)
		if err != nil || typ != want {
			t.Errorf("ParseCollection(%q) = %q, %v; want %q", in, typ, err, want)
		}
	}
}

func TestParentAndContains(t *testing.T) {
	id, _ := Parse("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c")
	var chain []string
	for p, ok := id, true; ok; p, ok = p.Parent() {
		chain = append(chain, p.String())
	}
	want := []string{
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
		"/subscriptions/s/resourceGroups/g", "/subscriptions/s", "/",
	}
	if strings.Join(chain, "\n") != strings.Join(want, "\n") {
		t.Fatalf("parent chain:\n%s", strings.Join(chain, "\n"))
	}
	if !ContainsKey("/subscriptions/s", "/subscriptions/s/resourcegroups/g") || ContainsKey("/subscriptions/s", "/subscriptions/s2") {
		t.Error("ContainsKey prefix handling")
	}
}

func TestEnds(t *testing.T) {
	id, _ := Parse("/subscriptions/S/resourceGroups/G/providers/Microsoft.Storage/storageAccounts/A/blobServices/default/containers/C")
	key := id.Key()
	var ends [MaxDepth]int
	n := Ends(key, &ends)
	var got []string
	for i := 0; i < n; i++ {
		got = append(got, key[:ends[i]])
	}
	want := []string{
		"/subscriptions/s", "/subscriptions/s/resourcegroups/g",
		"/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/a",
		"/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/a/blobservices/default",
		key,
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Ends:\n got %q\nwant %q", got, want)
	}
	if n := Ends("/", &ends); n != 0 {
		t.Errorf("Ends(/) = %d", n)
	}
	if n := Ends("/providers/microsoft.authorization/roledefinitions/x", &ends); n != 1 {
		t.Errorf("Ends(tenant resource) = %d", n)
	}
}

func BenchmarkEnds(b *testing.B) {
	key := "/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/a/blobservices/default/containers/c"
	var ends [MaxDepth]int
	b.ReportAllocs()
	for b.Loop() {
		Ends(key, &ends)
	}
}

// FuzzParse checks that parsing never panics, that canonical forms re-parse
// to the same key, and that every ancestor boundary is a scope containing it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"/", "/subscriptions/s", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/providers/Microsoft.Authorization/roleAssignments/x",
		"/providers/a/b/c", "//", "/subscriptions/%2F/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			return
		}
		key := id.Key()
		again, err := Parse(id.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", id.String(), s, err)
		}
		if again.Key() != key {
			t.Fatalf("key changed on re-parse: %q vs %q", again.Key(), key)
		}
		var ends [MaxDepth]int
		n := Ends(key, &ends)
		for i := 0; i < n; i++ {
			if !ContainsKey(key[:ends[i]], key) {
				t.Fatalf("ancestor %q does not contain %q", key[:ends[i]], key)
			}
			if _, err := Parse(key[:ends[i]]); err != nil {
				t.Fatalf("ancestor %q of %q is not a valid scope: %v", key[:ends[i]], key, err)
			}
		}
	})
}

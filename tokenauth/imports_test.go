package tokenauth

import (
	"go/build"
	"strings"
	"testing"
)

// TestNoInternalImports: tokenauth is for users' services, so its
// non-test code may depend on nothing internal to Lanyard.
func TestNoInternalImports(t *testing.T) {
	pkg, err := build.Default.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Imports) == 0 {
		t.Fatal("no imports found; is the directory right?")
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(imp, "/internal") || strings.HasPrefix(imp, "github.com/lanyardhq/lanyard/") {
			t.Errorf("tokenauth imports %s", imp)
		}
	}
}

package credential_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoInternalImports: credential is a public client library; neither it
// nor anything it depends on may be one of Lanyard's internal packages, and
// it must not lean on azidentity, which it replaces. Test files are not
// part of the package and may use internal packages to start a server.
func TestNoInternalImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/lanyardhq/lanyard/credential") || !slices.Contains(deps, "github.com/Azure/azure-sdk-for-go/sdk/azcore") {
		t.Fatalf("go list did not list the package's dependencies: %v", deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/lanyardhq/lanyard/internal") || strings.Contains(d, "/azidentity") {
			t.Errorf("credential depends on %s", d)
		}
	}
}

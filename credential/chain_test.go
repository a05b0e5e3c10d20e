package credential_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/credential"
)

// TestChainNothingAvailable: on a machine with no identity at all the
// error names every source, why it was unavailable and what to do, and
// counts as unavailable (so a caller's own chain can move on).
func TestChainNothingAvailable(t *testing.T) {
	cleanEnv(t)
	d, err := credential.NewDefaultCredential(nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := d.GetToken(t.Context(), scope("https://storage.azure.com"))
	if err == nil || tok.Token != "" {
		t.Fatalf("GetToken = %q, %v", tok.Token, err)
	}
	var ce *credential.ChainError
	if !errors.As(err, &ce) || ce.Stopped || !credential.IsUnavailable(err) || len(ce.Attempts) != 4 {
		t.Fatalf("err = %#v", err)
	}
	msg := err.Error()
	t.Logf("the chain's error:\n%s", msg)
	for _, want := range []string{
		"no credential source is available",
		"EnvironmentCredential: unavailable: no AZURE_TENANT_ID, AZURE_CLIENT_ID or AZURE_CLIENT_SECRET",
		"`lanyard ad sp credential reset`",
		"WorkloadIdentityCredential: unavailable: AZURE_FEDERATED_TOKEN_FILE is not set",
		"ManagedIdentityCredential: unavailable: no IDENTITY_ENDPOINT/IDENTITY_HEADER, and IMDS",
		"`lanyard run --app NAME`",
		"AzureCLICredential: unavailable: az is not installed",
		"AZURE_TOKEN_CREDENTIALS",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q", want)
		}
	}
	// Sources appear in chain order.
	var at []int
	for _, name := range d.Sources() {
		at = append(at, strings.Index(msg, name+":"))
	}
	if !slices.IsSorted(at) || d.Selected() != "" {
		t.Fatalf("sources out of order %v, or selected %q", at, d.Selected())
	}
}

// TestTokenCredentialsSelection: AZURE_TOKEN_CREDENTIALS narrows the chain
// to a group or one source, case-insensitively; anything else is an error
// at construction that lists the valid values.
func TestTokenCredentialsSelection(t *testing.T) {
	all := []string{credential.SourceEnvironment, credential.SourceWorkload, credential.SourceManagedIdentity, credential.SourceAzureCLI}
	cases := []struct {
		value   string
		want    []string
		wantErr bool
	}{
		{"", all, false},
		{"prod", all[:3], false},
		{"PROD", all[:3], false},
		{"dev", []string{credential.SourceAzureCLI}, false},
		{"ManagedIdentityCredential", []string{credential.SourceManagedIdentity}, false},
		{"environmentcredential", []string{credential.SourceEnvironment}, false},
		{"AzureCLICredential", []string{credential.SourceAzureCLI}, false},
		{"AzurePowerShellCredential", nil, true},
		{"prod,dev", nil, true},
		{"none", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			cleanEnv(t)
			t.Setenv("AZURE_TOKEN_CREDENTIALS", tc.value)
			d, err := credential.NewDefaultCredential(nil)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), `"dev", "prod"`) {
					t.Fatalf("err = %v, want the list of valid values", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Sources(); !slices.Equal(got, tc.want) {
				t.Fatalf("sources %v, want %v", got, tc.want)
			}
			// The error mentions only the selected sources.
			_, err = d.GetToken(t.Context(), scope("https://storage.azure.com"))
			for _, name := range all {
				if strings.Contains(err.Error(), name+":") != slices.Contains(tc.want, name) {
					t.Fatalf("error and selection disagree about %s:\n%v", name, err)
				}
			}
		})
	}
}

// TestTokenCredentialsPicksLaterSource: with "dev" the chain skips a
// configured environment credential and uses az.
func TestTokenCredentialsPicksLaterSource(t *testing.T) {
	cleanEnv(t)
	fakeAz(t, `{"accessToken":"dev-token","expires_on":4102444800}`, 0)
	t.Setenv("AZURE_TENANT_ID", "t")
	t.Setenv("AZURE_CLIENT_ID", "c")
	t.Setenv("AZURE_CLIENT_SECRET", "s")
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "dev")
	d, err := credential.NewDefaultCredential(nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := d.GetToken(t.Context(), scope("https://storage.azure.com"))
	if err != nil || tok.Token != "dev-token" || d.Selected() != credential.SourceAzureCLI {
		t.Fatalf("GetToken = %q, %v; selected %q", tok.Token, err, d.Selected())
	}
}

// fakeAz puts an `az` on PATH that records its arguments and prints out
// (or fails with exit status code and a message on stderr).
func fakeAz(t testing.TB, out string, code int) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\n"
	if code == 0 {
		script += "cat <<'EOF'\n" + out + "\nEOF\n"
	} else {
		script += "echo '" + out + "' >&2\nexit " + string(rune('0'+code)) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+"/bin:/usr/bin")
	return argsFile
}

func fakeAzB(b *testing.B, out string) { fakeAz(b, out, 0) }

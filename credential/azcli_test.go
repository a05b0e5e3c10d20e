package credential_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/credential"
)

// TestAzureCLICredential runs an `az` stand-in script (the real CLI needs
// a Microsoft account): the arguments it gets, both expiry forms az prints,
// and its failures.
func TestAzureCLICredential(t *testing.T) {
	local := time.Now().Add(time.Hour).Truncate(time.Second)
	cases := []struct {
		name     string
		out      string
		code     int
		wantTok  string
		wantExp  time.Time
		wantErr  string
		unavail  bool
		tenantID string
	}{
		{name: "expires_on wins", out: `{"accessToken":"a1","expiresOn":"2000-01-01 00:00:00.000000","expires_on":4102444800,"tokenType":"Bearer"}`, wantTok: "a1", wantExp: time.Unix(4102444800, 0)},
		{name: "older az: local expiresOn", out: `{"accessToken":"a2","expiresOn":"` + local.Format("2006-01-02 15:04:05.000000") + `"}`, wantTok: "a2", wantExp: local},
		{name: "tenant passed", out: `{"accessToken":"a3","expires_on":4102444800}`, wantTok: "a3", wantExp: time.Unix(4102444800, 0), tenantID: "contoso.example"},
		{name: "not signed in", out: "ERROR: Please run 'az login' to setup account.", code: 1, wantErr: "az login", unavail: true},
		{name: "other failure", out: "ERROR: AADSTS70043: The refresh token has expired", code: 1, wantErr: "AADSTS70043"},
		{name: "not JSON", out: `Welcome`, wantErr: "expected JSON"},
		{name: "no expiry", out: `{"accessToken":"a4"}`, wantErr: "no usable expiry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			argsFile := fakeAz(t, tc.out, tc.code)
			cred, err := credential.NewAzureCLICredential(&credential.Options{TenantID: tc.tenantID})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cred.GetToken(t.Context(), scope("https://storage.azure.com"))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || credential.IsUnavailable(err) != tc.unavail {
					t.Fatalf("err = %v, want %q (unavailable %v)", err, tc.wantErr, tc.unavail)
				}
				return
			}
			if err != nil || tok.Token != tc.wantTok || !tok.ExpiresOn.Equal(tc.wantExp) {
				t.Fatalf("GetToken = %q %v, %v; want %q %v", tok.Token, tok.ExpiresOn, err, tc.wantTok, tc.wantExp)
			}
			args, _ := os.ReadFile(argsFile)
			want := "account\nget-access-token\n--output\njson\n--resource\nhttps://storage.azure.com\n"
			if tc.tenantID != "" {
				want += "--tenant\n" + tc.tenantID + "\n"
			}
			if string(args) != want {
				t.Fatalf("az got args %q, want %q", args, want)
			}
		})
	}

	t.Run("not installed", func(t *testing.T) {
		cleanEnv(t)
		_, err := credential.NewAzureCLICredential(nil)
		var u *credential.UnavailableError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "not installed") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("hostile scope never reaches az", func(t *testing.T) {
		cleanEnv(t)
		argsFile := fakeAz(t, `{"accessToken":"x","expires_on":4102444800}`, 0)
		cred, err := credential.NewAzureCLICredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range []string{"https://x; rm -rf /", "--debug", "a b", "$(id)"} {
			if _, err := cred.GetToken(t.Context(), scope(sc)); err == nil {
				t.Fatalf("scope %q accepted", sc)
			}
		}
		if _, err := os.Stat(argsFile); !os.IsNotExist(err) {
			t.Fatal("az ran for a hostile scope")
		}
	})
}

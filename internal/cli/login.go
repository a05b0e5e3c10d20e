package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// defaultCAFile is where `lanyard serve` (run from the same directory with
// the default --data-dir) writes its CA.
const defaultCAFile = "./lanyard-data/ca.crt"

type loginFlags struct {
	server, caFile, username, password, passwordFile string
}

func newLoginCommand(a *app) *cobra.Command {
	var lf loginFlags
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to a Lanyard server with a user name and password",
		Long: `Sign in with a user name and password. The password comes from --password,
--password-file, the LANYARD_PASSWORD environment variable or, on a terminal, a
prompt that does not echo.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.login(cmd, lf)
		},
	}
	f := cmd.Flags()
	f.StringVar(&lf.server, "server", "https://127.0.0.1:8443", "server URL")
	f.StringVar(&lf.caFile, "ca-file", "", "PEM file of the server's CA (default "+defaultCAFile+" when it exists)")
	f.StringVarP(&lf.username, "username", "u", "", "user principal name (prompted for when omitted)")
	f.StringVarP(&lf.password, "password", "p", "", "password (visible to other local users in the process list; prefer --password-file)")
	f.StringVar(&lf.passwordFile, "password-file", "", "file whose first line is the password")
	cmd.MarkFlagsMutuallyExclusive("password", "password-file")
	return cmd
}

// serverInfo is GET /lanyard/v1/info.
type serverInfo struct {
	TenantID              string `json:"tenantId"`
	DefaultSubscriptionID string `json:"defaultSubscriptionId"`
	Issuer                string `json:"issuer"`
	ManagementAudience    string `json:"managementAudience"`
	CLIClientID           string `json:"cliClientId"`
}

func (a *app) login(cmd *cobra.Command, lf loginFlags) error {
	ctx := cmd.Context()
	base, err := checkServerURL(lf.server)
	if err != nil {
		return err
	}
	prof := &Profile{Server: base}
	caFile := lf.caFile
	if caFile == "" {
		if _, err := os.Stat(defaultCAFile); err == nil {
			caFile = defaultCAFile
		}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return fmt.Errorf("reading the CA file: %w", err)
		}
		prof.CACertPEM, prof.CAFile = string(pem), caFile
	}
	hc, err := newHTTPClient([]byte(prof.CACertPEM))
	if err != nil {
		return fmt.Errorf("%s: %w", caFile, err)
	}
	c := &client{base: base, http: hc}
	var info serverInfo
	if err := c.callLogin(ctx, http.MethodGet, "/lanyard/v1/info", nil, &info); err != nil {
		return fmt.Errorf("reading the server's sign-in settings: %w", err)
	}
	if info.TenantID == "" || info.CLIClientID == "" {
		return errors.New("the server's /lanyard/v1/info lacks tenantId or cliClientId; is this a Lanyard server?")
	}
	user, password, err := credentials(cmd, lf)
	if err != nil {
		return err
	}
	tok, err := c.passwordGrant(ctx, info.CLIClientID, user, password, managementScope)
	if err != nil {
		return err
	}
	prof.TenantID, prof.SubscriptionID, prof.User = info.TenantID, info.DefaultSubscriptionID, user
	prof.AccessToken, prof.ExpiresOn = tok.AccessToken, a.now().Add(tok.ExpiresIn).Truncate(time.Second)
	prof.DataTokens = a.dataTokens(ctx, cmd.ErrOrStderr(), c, info.CLIClientID, user, password)
	if err := saveProfile(prof); err != nil {
		return err
	}
	return a.print(cmd.OutOrStdout(), []account{newAccount(prof)}, accountColumns)
}

// callLogin is call without a token, with TLS advice phrased for login.
func (c *client) callLogin(ctx context.Context, method, path string, form url.Values, out any) error {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.send(req, true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&raw); err != nil && resp.StatusCode < 300 {
		return fmt.Errorf("the server's response to %s is not JSON: %w", path, err)
	}
	if resp.StatusCode >= 300 {
		return decodeError(resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

type tokenResponse struct {
	AccessToken string
	ExpiresIn   time.Duration
}

// managementScope is the ARM scope as az spells it (the double slash is the
// audience "https://management.azure.com/" plus "/.default").
const managementScope = "https://management.azure.com//.default"

// passwordGrant runs the resource-owner password grant for one scope, as
// `az login -u -p` does.
func (c *client) passwordGrant(ctx context.Context, clientID, user, password, scope string) (*tokenResponse, error) {
	form := url.Values{
		"grant_type": {"password"},
		"client_id":  {clientID},
		"username":   {user},
		"password":   {password},
		"scope":      {scope},
	}
	var raw struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := c.callLogin(ctx, http.MethodPost, "/organizations/oauth2/v2.0/token", form, &raw); err != nil {
		return nil, err
	}
	if raw.AccessToken == "" || !strings.EqualFold(raw.TokenType, "Bearer") {
		return nil, errors.New("the token service answered without a bearer access token")
	}
	// Entra sends expires_in as a number; some services send a string.
	secs, err := strconv.ParseInt(strings.Trim(string(raw.ExpiresIn), `"`), 10, 64)
	if err != nil || secs <= 0 {
		return nil, fmt.Errorf("the token service sent an invalid expires_in %s", raw.ExpiresIn)
	}
	return &tokenResponse{AccessToken: raw.AccessToken, ExpiresIn: time.Duration(secs) * time.Second}, nil
}

func newLogoutCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the signed-in account (deletes the profile)",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return deleteProfile() },
	}
}

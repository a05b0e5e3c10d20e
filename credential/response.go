package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// tokenResponse is the union of the OAuth 2.0 token response and the
// managed-identity response: both services speak the same JSON, except
// that expires_on and the durations come as numbers or strings.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresOn   json.RawMessage `json:"expires_on"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	RefreshIn   json.RawMessage `json:"refresh_in"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
	Message     string          `json:"message"` // IMDS and App Service errors
}

// maxBody caps what we read from a token endpoint: a token response is a
// few kilobytes, and a misbehaving endpoint must not exhaust memory.
const maxBody = 1 << 20

// readToken turns an HTTP response into a token or an error for cred.
func readToken(cred string, resp *http.Response, now time.Time) (azcore.AccessToken, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, StatusCode: resp.StatusCode, Message: "reading the response failed", Err: err}
	}
	var r tokenResponse
	jsonErr := json.Unmarshal(body, &r)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, StatusCode: resp.StatusCode, Message: errorText(r, body, jsonErr)}
	}
	if jsonErr != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, StatusCode: resp.StatusCode, Message: "the response is not JSON", Err: jsonErr}
	}
	if r.Error != "" {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, StatusCode: resp.StatusCode, Message: errorText(r, body, nil)}
	}
	return r.token(cred, now)
}

// errorText is what the server said, without echoing arbitrary bodies
// (which could be large or contain anything): the OAuth error fields, else
// a short prefix of a non-JSON body.
func errorText(r tokenResponse, body []byte, jsonErr error) string {
	switch {
	case r.Error != "" && r.Description != "":
		return r.Error + ": " + r.Description
	case r.Error != "":
		return r.Error
	case r.Message != "":
		return r.Message
	case jsonErr != nil:
		s := strings.TrimSpace(string(bytes.ToValidUTF8(body, nil)))
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		return s
	}
	return ""
}

func (r tokenResponse) token(cred string, now time.Time) (azcore.AccessToken, error) {
	if r.AccessToken == "" {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, Message: "the response has no access_token"}
	}
	if r.TokenType != "" && !strings.EqualFold(r.TokenType, "Bearer") {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, Message: fmt.Sprintf("token_type %q is not Bearer", r.TokenType)}
	}
	tok := azcore.AccessToken{Token: r.AccessToken}
	exp, err := parseExpiresOn(r.ExpiresOn)
	if err == nil && exp.IsZero() {
		var d time.Duration
		d, err = parseSeconds(r.ExpiresIn)
		if err == nil && d > 0 {
			exp = now.Add(d)
		}
	}
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, Message: "the response's expiry is malformed", Err: err}
	}
	if exp.IsZero() {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, Message: "the response has neither expires_on nor expires_in"}
	}
	tok.ExpiresOn = exp
	refresh, err := parseSeconds(r.RefreshIn)
	if err != nil {
		return azcore.AccessToken{}, &AuthenticationError{Credential: cred, Message: "the response's refresh_in is malformed", Err: err}
	}
	if refresh > 0 {
		tok.RefreshOn = now.Add(refresh)
	}
	return tok, nil
}

// parseExpiresOn accepts what MSAL accepts (PROTOCOLS §1.6): epoch seconds
// as a number or a string, or one of three date layouts.
func parseExpiresOn(raw json.RawMessage) (time.Time, error) {
	s, err := scalar(raw)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(int64(f), 0), nil
	}
	for _, layout := range []string{"01/02/2006 15:04:05", "2006-01-02 15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("expires_on %q is neither epoch seconds nor a known date format", s)
}

// parseSeconds reads a duration in whole seconds, number or string.
func parseSeconds(raw json.RawMessage) (time.Duration, error) {
	s, err := scalar(raw)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number of seconds", s)
	}
	return time.Duration(n) * time.Second, nil
}

// scalar is a JSON string's content or a JSON number's text.
func scalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", errors.New("expected a number or a string")
	}
	return n.String(), nil
}

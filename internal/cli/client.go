package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponse bounds what the CLI reads from the server.
const maxResponse = 32 << 20

// client calls the server's REST API as the signed-in user.
type client struct {
	base  string // https://host:port
	http  *http.Client
	token string
	sub   string // subscription for this command (profile default or --subscription)
	prof  *Profile
}

// apiError is an ARM/Graph or OAuth error as the server sent it.
type apiError struct {
	Status  int
	Code    string
	Message string
	OAuth   bool
}

func (e *apiError) Error() string {
	if e.OAuth {
		if e.Message != "" {
			return e.Message
		}
		return e.Code
	}
	if e.Code == "" {
		return e.Message
	}
	return fmt.Sprintf("(%s) %s", e.Code, e.Message)
}

func isNotFound(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// send sends req with the headers every CLI request carries; a transport
// failure comes back as advice, worded for login when login is set.
func (c *client) send(req *http.Request, login bool) (*http.Response, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "lanyard-cli")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, explainTransport(err, login)
	}
	return resp, nil
}

// call sends one request. path is unescaped ("/subscriptions/s/..."); it is
// escaped here so a name can never smuggle a query or fragment. out, when
// non-nil, receives the decoded JSON body.
func (c *client) call(ctx context.Context, method, path string, q url.Values, body, out any) error {
	u, err := url.Parse(c.base)
	if err != nil {
		return err
	}
	u.Path = path
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.send(req, false)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("reading the response to %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		ae := decodeError(resp.StatusCode, data)
		if resp.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("%w; run 'lanyard login'", ae)
		}
		return ae
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the server's response to %s %s is not valid JSON: %w", method, path, err)
	}
	return nil
}

// decodeError reads ARM/Graph `{"error":{"code","message"}}` or OAuth
// `{"error","error_description"}` bodies; anything else is reported by status.
func decodeError(status int, data []byte) *apiError {
	var arm struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(data, &arm) == nil && (arm.Error.Code != "" || arm.Error.Message != "") {
		return &apiError{Status: status, Code: arm.Error.Code, Message: arm.Error.Message}
	}
	var oauth struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(data, &oauth) == nil && oauth.Error != "" {
		return &apiError{Status: status, Code: oauth.Error, Message: oauth.Description, OAuth: true}
	}
	text := strings.TrimSpace(string(data))
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	msg := fmt.Sprintf("the server answered %d %s", status, http.StatusText(status))
	if text != "" {
		msg += ": " + text
	}
	return &apiError{Status: status, Message: msg}
}

// list GETs a collection and returns its "value" array.
func (c *client) list(ctx context.Context, path string, q url.Values) ([]map[string]any, error) {
	var page struct {
		Value []map[string]any `json:"value"`
	}
	if err := c.call(ctx, http.MethodGet, path, q, nil, &page); err != nil {
		return nil, err
	}
	if page.Value == nil {
		page.Value = []map[string]any{}
	}
	return page.Value, nil
}

func apiVersion(v string) url.Values { return url.Values{"api-version": {v}} }

package enrolment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// maxResponse bounds what is read from the server: answers are a token or
// a certificate, far below this. A larger body is an error, not truncated.
const maxResponse = 1 << 20

// Token asks the server for a managed-identity token (fabric.Fabric).
func (c *Client) Token(ctx context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	var tok fabric.Token
	err := postJSON(ctx, c.http, c.server+fabric.PathToken, req, &tok)
	return tok, err
}

// App resolves an app placed on this host (fabric.Fabric).
func (c *Client) App(ctx context.Context, nameOrID string) (fabric.App, error) {
	var app fabric.App
	err := postJSON(ctx, c.http, c.server+fabric.PathApp, fabric.AppRequest{App: nameOrID}, &app)
	return app, err
}

// postJSON sends in as JSON and decodes a 200 answer into out. A refusal
// becomes a *fabric.Error with the HTTP status; transport failures are
// returned wrapped, so callers can tell "the server said no" from "the
// server could not be reached".
func postJSON(ctx context.Context, hc *http.Client, url string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("enrolment: %s: %w", url, err)
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body)
	if err != nil {
		return fmt.Errorf("enrolment: %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("enrolment: %s: undecodable answer: %w", url, err)
	}
	return nil
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxResponse {
		return nil, fmt.Errorf("answer larger than %d bytes", maxResponse)
	}
	return data, nil
}

// decodeError turns a refusal into *fabric.Error. A body that is not a
// fabric error (a proxy's HTML page, say) keeps the status, gets the code
// the status implies, and a short quote of the body.
func decodeError(status int, data []byte) error {
	e := &fabric.Error{}
	if json.Unmarshal(data, e) == nil && e.Code != "" {
		e.Status = status
		return e
	}
	code := fabric.CodeServerError
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		code = fabric.CodeUnauthorized
	case http.StatusBadRequest:
		code = fabric.CodeInvalidRequest
	case http.StatusNotFound:
		code = fabric.CodeResourceNotFound
	}
	snippet := strings.TrimSpace(string(data))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "…"
	}
	return &fabric.Error{Status: status, Code: code, Message: fmt.Sprintf("server answered %d %s: %q", status, http.StatusText(status), snippet)}
}

// IsUnauthorized reports whether err is the server refusing this host's
// certificate (revoked, expired, or the host was deleted).
func IsUnauthorized(err error) bool {
	var fe *fabric.Error
	return errors.As(err, &fe) && fe.Code == fabric.CodeUnauthorized
}

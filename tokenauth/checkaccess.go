package tokenauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// ErrNoCredential is returned by CheckAccess when Options.Credential is nil.
var ErrNoCredential = errors.New("tokenauth: Options.Credential is required to check access")

// CheckAccess asks Lanyard whether principalID may perform dataAction at
// scope, reusing a decision younger than Options.DecisionTTL.
func (a *Authenticator) CheckAccess(ctx context.Context, principalID, dataAction, scope string) (Decision, error) {
	if a.mgmt == nil {
		return Decision{}, ErrNoCredential
	}
	k := decisionKey{principal: principalID, action: dataAction, scope: scope}
	return a.decisions.get(ctx, k, func(ctx context.Context) (Decision, error) {
		return a.checkAccess(ctx, k)
	})
}

// checkAccess is one POST /lanyard/v1/checkAccess.
func (a *Authenticator) checkAccess(ctx context.Context, k decisionKey) (Decision, error) {
	tok, err := a.mgmt.token(ctx)
	if err != nil {
		return Decision{}, fmt.Errorf("get the service's own token for check-access: %w", err)
	}
	body, _ := json.Marshal(map[string]any{"principalId": k.principal, "action": k.action, "scope": k.scope, "isDataAction": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.opts.Server+"/lanyard/v1/checkAccess", bytes.NewReader(body))
	if err != nil {
		return Decision{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		return Decision{}, fmt.Errorf("check-access: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize))
	if err != nil {
		return Decision{}, fmt.Errorf("check-access: read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		hint := ""
		if resp.StatusCode == http.StatusForbidden {
			hint = " (the service's identity needs Microsoft.Authorization/roleAssignments/read at the scope, e.g. the Reader role)"
		}
		return Decision{}, fmt.Errorf("check-access: status %s: %s: %s%s", resp.Status, e.Error.Code, e.Error.Message, hint)
	}
	var out struct {
		Allowed *bool  `json:"allowed"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Allowed == nil {
		return Decision{}, fmt.Errorf("check-access: malformed answer: %v", err)
	}
	return Decision{Allowed: *out.Allowed, Reason: out.Reason}, nil
}

// tokenRefreshMargin renews the service's token this long before it expires.
const tokenRefreshMargin = 5 * time.Minute

// tokenSource keeps the service's management token, since not every
// azcore.TokenCredential caches.
type tokenSource struct {
	cred azcore.TokenCredential
	now  func() time.Time

	mu  sync.Mutex
	tok azcore.AccessToken
}

func (s *tokenSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Token != "" && s.now().Add(tokenRefreshMargin).Before(s.tok.ExpiresOn) {
		return s.tok.Token, nil
	}
	tok, err := s.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{ManagementScope}})
	if err != nil {
		return "", err
	}
	s.tok = tok
	return tok.Token, nil
}

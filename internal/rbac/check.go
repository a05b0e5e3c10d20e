package rbac

import (
	"context"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/scope"
)

// Check reports whether principalID may perform the control-plane action at
// scopeKey, a canonical lower-case scope key (scope.ID.Key()). It looks at
// assignments to the principal and to each of its transitive groups, at the
// root and at every ancestor of scopeKey. It does not allocate.
//
// A key that is not lower case matches nothing: the check fails closed.
func (x *Index) Check(principalID, action, scopeKey string) bool {
	return x.check(principalID, action, scopeKey, false)
}

// CheckData is Check for a data action (blob read, secret get, ...).
func (x *Index) CheckData(principalID, dataAction, scopeKey string) bool {
	return x.check(principalID, dataAction, scopeKey, true)
}

func (x *Index) check(pid, action, key string, data bool) bool {
	var buf [maxPath]int32
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := x.st
	ids := buf[:s.scopes.path(key, &buf)]
	if len(ids) == 0 {
		return false
	}
	if s.allows(pid, action, ids, data) {
		return true
	}
	for _, g := range s.closure[pid] {
		if s.allows(g, action, ids, data) {
			return true
		}
	}
	return false
}

// allows looks only at assignments made directly to pid, at the scopes ids.
func (s *state) allows(pid, action string, ids []int32, data bool) bool {
	byScope := s.byPrincipal[pid]
	if byScope == nil {
		return false
	}
	for _, id := range ids {
		if grantsAny(byScope[id], action, data) {
			return true
		}
	}
	return false
}

func grantsAny(gs []*grant, action string, data bool) bool {
	for _, g := range gs {
		if r := g.slot.role; r != nil && r.allows(action, data) {
			return true
		}
	}
	return false
}

// Authorize implements Authorizer for control-plane handlers. A scope that
// does not parse is denied like one without access, as ARM does ("or the
// scope is invalid").
func (x *Index) Authorize(_ context.Context, c authn.Caller, action, scopeStr string) error {
	key, err := scope.KeyOf(scopeStr)
	if err == nil && x.Check(c.PrincipalID, action, key) {
		return nil
	}
	return &DeniedError{PrincipalID: c.PrincipalID, PrincipalName: c.Name, Action: action, Scope: scopeStr}
}

// Memberships returns the principal followed by every group it belongs to,
// directly or through other groups.
func (x *Index) Memberships(principalID string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	groups := x.st.closure[principalID]
	out := make([]string, 0, 1+len(groups))
	return append(append(out, principalID), groups...)
}

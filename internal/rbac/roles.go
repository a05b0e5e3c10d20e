package rbac

import (
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// roleGUID accepts a bare GUID or a role definition resource ID
// (".../providers/Microsoft.Authorization/roleDefinitions/{guid}").
func roleGUID(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	return strings.ToLower(id)
}

// Role returns a built-in or custom role by GUID or role definition ID.
func (x *Index) Role(id string) (store.RoleDefinition, bool) {
	id = roleGUID(id)
	if r, ok := compiledBuiltins[id]; ok {
		return cloneRole(r.def), true
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if r, ok := x.st.custom[id]; ok {
		return cloneRole(r.def), true
	}
	return store.RoleDefinition{}, false
}

// RoleByName finds a built-in or custom role by name, case-insensitively.
func (x *Index) RoleByName(name string) (store.RoleDefinition, bool) {
	if d, ok := BuiltinByName(name); ok {
		return d, true
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, r := range x.st.custom {
		if strings.EqualFold(r.def.RoleName, name) {
			return cloneRole(r.def), true
		}
	}
	return store.RoleDefinition{}, false
}

// Roles lists built-in and custom roles, by name.
func (x *Index) Roles() []store.RoleDefinition {
	out := Builtins()
	x.mu.RLock()
	for _, r := range x.st.custom {
		out = append(out, cloneRole(r.def))
	}
	x.mu.RUnlock()
	slices.SortFunc(out, func(a, b store.RoleDefinition) int {
		return strings.Compare(strings.ToLower(a.RoleName), strings.ToLower(b.RoleName))
	})
	return out
}

// AssignableAt reports whether role may be assigned at scopeStr: some
// assignable scope of the role contains it. Built-ins are assignable at "/".
func (x *Index) AssignableAt(role store.RoleDefinition, scopeStr string) bool {
	key, err := scope.KeyOf(scopeStr)
	if err != nil {
		return false
	}
	for _, a := range role.AssignableScopes {
		if ak, err := scope.KeyOf(a); err == nil && scope.ContainsKey(ak, key) {
			return true
		}
	}
	return false
}

// IsDataAction reports whether action is a data action: some role lists a
// dataActions pattern other than a bare "*" that matches it. Data services
// use it to tell a data request from a control-plane one.
func (x *Index) IsDataAction(action string) bool {
	if anyDataPattern(compiledBuiltins, action) {
		return true
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return anyDataPattern(x.st.custom, action)
}

func anyDataPattern(roles map[string]*compiledRole, action string) bool {
	for _, r := range roles {
		for i := range r.blocks {
			for _, p := range r.blocks[i].dataActions {
				if p.lower != "*" && p.match(action) {
					return true
				}
			}
		}
	}
	return false
}

// Permissions returns the permission blocks of every role assigned to the
// principal or its groups at or above scopeStr (ARM's
// GET {scope}/providers/Microsoft.Authorization/permissions). Each role
// contributes once.
func (x *Index) Permissions(principalID, scopeStr string) []store.Permission {
	out := []store.Permission{}
	key, err := scope.KeyOf(scopeStr)
	if err != nil {
		return out
	}
	seen := make(map[string]bool)
	for _, g := range x.grantsAbove(principalID, key) {
		r := g.role
		if r == nil || seen[r.def.ID] {
			continue
		}
		seen[r.def.ID] = true
		out = append(out, cloneRole(r.def).Permissions...)
	}
	return out
}

// grantView is an assignment with the role it pointed at when read; both
// are immutable, so it can be used after the lock is released.
type grantView struct {
	rec  store.RoleAssignment
	role *compiledRole // nil if the role does not exist
}

// grantsAbove collects the assignments to the principal or its groups at key
// or any ancestor, root first.
func (x *Index) grantsAbove(pid, key string) []grantView {
	var buf [maxPath]int32
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := x.st
	ids := buf[:s.scopes.path(key, &buf)]
	var out []grantView
	add := func(gs []*grant) {
		for _, g := range gs {
			out = append(out, grantView{rec: g.rec, role: g.slot.role})
		}
	}
	for _, p := range append([]string{pid}, s.closure[pid]...) {
		byScope := s.byPrincipal[p]
		for _, id := range ids {
			add(byScope[id])
		}
	}
	return out
}

package rbac

import (
	"strings"

	"github.com/lanyardhq/lanyard/internal/store"
)

// block is one compiled permission block.
type block struct {
	actions, notActions, dataActions, notDataActions patterns
}

// compiledRole is a role definition ready for the hot path.
type compiledRole struct {
	def    store.RoleDefinition
	blocks []block
}

func compileRole(d store.RoleDefinition) *compiledRole {
	r := &compiledRole{def: cloneRole(d), blocks: make([]block, len(d.Permissions))}
	r.def.ID = strings.ToLower(r.def.ID)
	for i, p := range d.Permissions {
		r.blocks[i] = block{
			actions:        compilePatterns(p.Actions),
			notActions:     compilePatterns(p.NotActions),
			dataActions:    compilePatterns(p.DataActions),
			notDataActions: compilePatterns(p.NotDataActions),
		}
	}
	return r
}

// grant and exclude pick the allow and deny lists of the right plane.
func (b *block) grant(data bool) patterns {
	if data {
		return b.dataActions
	}
	return b.actions
}

func (b *block) exclude(data bool) patterns {
	if data {
		return b.notDataActions
	}
	return b.notActions
}

// allows reports whether some block lists action and does not exclude it:
// Azure's effective permissions are the union over blocks of
// (Actions - NotActions). Control-plane roles have no DataActions, so they
// never grant data access, however broad their Actions.
func (r *compiledRole) allows(action string, data bool) bool {
	for i := range r.blocks {
		b := &r.blocks[i]
		if b.grant(data).match(action) && !b.exclude(data).match(action) {
			return true
		}
	}
	return false
}

// excludes reports whether some block lists action but removes it again
// through NotActions/NotDataActions (for explanations).
func (r *compiledRole) excludes(action string, data bool) bool {
	for i := range r.blocks {
		b := &r.blocks[i]
		if b.grant(data).match(action) && b.exclude(data).match(action) {
			return true
		}
	}
	return false
}

// breadth ranks how much a role grants on one plane: "*" outweighs any
// wildcard pattern, which outweighs any exact action. Explanations list the
// narrowest role that would do first, following least privilege.
func (r *compiledRole) breadth(data bool) int {
	n := 0
	for i := range r.blocks {
		for _, p := range r.blocks[i].grant(data) {
			switch {
			case p.lower == "*":
				n += 1 << 20
			case p.wild:
				n += 1000 * strings.Count(p.lower, "*")
			default:
				n++
			}
		}
	}
	return n
}

var compiledBuiltins = compileAll(builtins)

func compileAll(ds []store.RoleDefinition) map[string]*compiledRole {
	m := make(map[string]*compiledRole, len(ds))
	for _, d := range ds {
		m[strings.ToLower(d.ID)] = compileRole(d)
	}
	return m
}

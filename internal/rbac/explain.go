package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Explain answers why principalID may or may not perform action at scopeStr:
// which assignments grant it, which list it only to exclude it, and, on a
// denial, which built-in roles would grant it, narrowest first.
func (x *Index) Explain(principalID, action string, isData bool, scopeStr string) Explanation {
	e := Explanation{
		PrincipalID:  principalID,
		Action:       action,
		IsDataAction: isData,
		Scope:        scopeStr,
		Principals:   x.Memberships(principalID),
		Matched:      []MatchedAssignment{},
		DeniedBy:     []MatchedAssignment{},
	}
	key, err := scope.KeyOf(scopeStr)
	if err != nil {
		e.Reason = fmt.Sprintf("The scope %q is not a valid scope, so nothing is granted there.", scopeStr)
		return e
	}
	for _, g := range x.grantsAbove(principalID, key) {
		if g.role == nil {
			continue
		}
		m := MatchedAssignment{Assignment: g.rec, RoleName: g.role.def.RoleName}
		switch {
		case g.role.allows(action, isData):
			e.Matched = append(e.Matched, m)
		case g.role.excludes(action, isData):
			e.DeniedBy = append(e.DeniedBy, m)
		}
	}
	e.Allowed = len(e.Matched) > 0
	if !e.Allowed {
		e.GrantingRoles = grantingBuiltins(action, isData)
	}
	e.Reason = reason(e)
	return e
}

// grantingBuiltins lists the built-in roles that grant action, least
// privileged first (see compiledRole.breadth), ties by name.
func grantingBuiltins(action string, data bool) []store.RoleDefinition {
	var rs []*compiledRole
	for _, r := range compiledBuiltins {
		if r.allows(action, data) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *compiledRole) int {
		if d := a.breadth(data) - b.breadth(data); d != 0 {
			return d
		}
		return strings.Compare(a.def.RoleName, b.def.RoleName)
	})
	out := make([]store.RoleDefinition, len(rs))
	for i, r := range rs {
		out[i] = cloneRole(r.def)
	}
	return out
}

func reason(e Explanation) string {
	kind := "action"
	if e.IsDataAction {
		kind = "data action"
	}
	if e.Allowed {
		m := e.Matched[0]
		via := ""
		if m.Assignment.PrincipalID != e.PrincipalID {
			via = " through group " + m.Assignment.PrincipalID
		}
		return fmt.Sprintf("Allowed: role %q assigned at %s%s grants the %s %s.",
			m.RoleName, m.Assignment.Scope, via, kind, e.Action)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Denied: no role assigned to %s or its %d group(s) at %s or above grants the %s %s.",
		e.PrincipalID, len(e.Principals)-1, e.Scope, kind, e.Action)
	if len(e.DeniedBy) > 0 {
		fmt.Fprintf(&b, " Role %q assigned at %s lists it but excludes it through %s.",
			e.DeniedBy[0].RoleName, e.DeniedBy[0].Assignment.Scope, map[bool]string{false: "NotActions", true: "NotDataActions"}[e.IsDataAction])
	}
	if e.IsDataAction && len(e.GrantingRoles) > 0 {
		b.WriteString(" Control-plane roles such as Owner or Contributor grant no data actions.")
	}
	if len(e.GrantingRoles) > 0 {
		fmt.Fprintf(&b, " The narrowest built-in role that grants it is %q.", e.GrantingRoles[0].RoleName)
	}
	return b.String()
}

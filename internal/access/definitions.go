package access

import (
	"net/http"
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	builtInRole = "BuiltInRole"
	customRole  = "CustomRole"
)

var errDefinitionNotFound = arm.Errorf(http.StatusNotFound, "RoleDefinitionDoesNotExist", "The specified role definition does not exist.")

// definitionFilter is a parsed $filter: roleName eq '…' or type eq '…'.
type definitionFilter struct{ roleName, roleType string }

func parseDefinitionFilter(s string) (definitionFilter, error) {
	var f definitionFilter
	s = strings.TrimSpace(s)
	if s == "" {
		return f, nil
	}
	bad := arm.BadRequest("UnsupportedQuery", "The filter '%s' is not supported. Supported filters are 'roleName eq '{value}'' and 'type eq 'BuiltInRole'|'CustomRole''.", s)
	// roleName values may contain spaces: split off the first two words only.
	parts := strings.SplitN(s, " ", 3)
	if len(parts) != 3 || !strings.EqualFold(parts[1], "eq") {
		return f, bad
	}
	v, ok := quoted(parts[2])
	switch {
	case !ok:
		return f, bad
	case strings.EqualFold(parts[0], "roleName"):
		f.roleName = v
	case strings.EqualFold(parts[0], "type") && (strings.EqualFold(v, builtInRole) || strings.EqualFold(v, customRole)):
		f.roleType = v
	default:
		return f, bad
	}
	return f, nil
}

// listDefinitions lists the roles available at the scope. Built-in roles
// are public catalog data; custom roles are listed only to callers who may
// read role definitions at the scope, and only if they are assignable at or
// below it.
func (h *Handler) listDefinitions(w http.ResponseWriter, r *arm.Request) {
	f, err := parseDefinitionFilter(r.URL.Query().Get("$filter"))
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	c, err := caller(r.Request)
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	at := r.ID.String()
	customVisible := h.idx.Authorize(r.Context(), c, actDefinitionRead, at) == nil
	out := list[definitionJSON]{Value: []definitionJSON{}}
	for _, d := range h.idx.Roles() {
		switch {
		case f.roleName != "" && !strings.EqualFold(d.RoleName, f.roleName),
			f.roleType != "" && !strings.EqualFold(d.RoleType, f.roleType),
			d.RoleType != builtInRole && !(customVisible && h.visibleAt(d, r.ID)):
			continue
		}
		out.Value = append(out.Value, renderDefinition(at, d))
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

// visibleAt reports whether custom role d is assignable at id or at some
// scope below it (so an administrator of a subscription sees the roles made
// for its groups).
func (h *Handler) visibleAt(d store.RoleDefinition, id scope.ID) bool {
	if h.idx.AssignableAt(d, id.String()) {
		return true
	}
	return slices.ContainsFunc(d.AssignableScopes, func(s string) bool {
		k, err := scope.KeyOf(s)
		return err == nil && scope.ContainsKey(id.Key(), k)
	})
}

func (h *Handler) getDefinition(w http.ResponseWriter, r *arm.Request) {
	at, name, err := extensionScope(r.ID)
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	d, ok := h.role(strings.ToLower(name))
	if !ok || !scope.IsGUID(name) {
		arm.WriteError(w, r.Request, errDefinitionNotFound)
		return
	}
	if d.RoleType != builtInRole {
		if _, err := h.authorize(r.Request, actDefinitionRead, at.String()); err != nil {
			arm.WriteError(w, r.Request, err)
			return
		}
		if !h.visibleAt(d, at) {
			arm.WriteError(w, r.Request, errDefinitionNotFound)
			return
		}
	}
	arm.WriteJSON(w, http.StatusOK, renderDefinition(at.String(), d))
}

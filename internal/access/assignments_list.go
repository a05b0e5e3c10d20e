package access

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// assignmentFilter is a parsed $filter of a role assignment list.
type assignmentFilter struct {
	atScope bool   // atScope(): at and above the scope only
	subject string // principalId eq '…' or assignedTo('…')
	// transitive: assignedTo also matches the groups subject is in.
	transitive bool
}

var andRE = regexp.MustCompile(`(?i)\s+and\s+`)

// parseAssignmentFilter accepts what ARM accepts: atScope(),
// principalId eq '{id}', assignedTo('{id}'), and atScope() combined with
// one of the others by "and".
func parseAssignmentFilter(s string) (assignmentFilter, error) {
	var f assignmentFilter
	s = strings.TrimSpace(s)
	if s == "" {
		return f, nil
	}
	bad := arm.BadRequest("UnsupportedQuery", "The filter '%s' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}'' or 'assignedTo('{value}')', optionally combined with 'atScope() and'.", s)
	for term := range strings.SplitSeq(andRE.ReplaceAllString(s, "\x00"), "\x00") {
		term = strings.TrimSpace(term)
		fields := strings.Fields(term)
		lower := strings.ToLower(term)
		switch {
		case strings.ReplaceAll(lower, " ", "") == "atscope()":
			if f.atScope {
				return f, bad
			}
			f.atScope = true
		case len(fields) == 3 && strings.EqualFold(fields[0], "principalId") && strings.EqualFold(fields[1], "eq"):
			v, ok := quoted(fields[2])
			if !ok || f.subject != "" {
				return f, bad
			}
			f.subject = v
		case strings.HasPrefix(lower, "assignedto(") && strings.HasSuffix(lower, ")"):
			v, ok := quoted(term[len("assignedto(") : len(term)-1])
			if !ok || f.subject != "" {
				return f, bad
			}
			f.subject, f.transitive = v, true
		default:
			return f, bad
		}
	}
	if f.subject != "" {
		if !scope.IsGUID(f.subject) {
			return f, arm.BadRequest("InvalidPrincipalId", "The principal ID '%s' in the filter is not a GUID.", f.subject)
		}
		f.subject = strings.ToLower(f.subject)
	}
	return f, nil
}

// listAssignments lists the assignments that apply at the scope (at and
// above it) and, unless atScope() is given, those below it. The caller
// needs roleAssignments/read at the scope.
func (h *Handler) listAssignments(w http.ResponseWriter, r *arm.Request) {
	f, err := parseAssignmentFilter(r.URL.Query().Get("$filter"))
	if err == nil {
		_, err = h.authorize(r.Request, actAssignmentRead, r.ID.String())
	}
	var as []store.RoleAssignment
	if err == nil {
		as, err = h.assignmentsAt(r.Context(), r.ID, f)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	out := list[assignmentJSON]{Value: make([]assignmentJSON, 0, len(as))}
	for _, a := range as {
		out.Value = append(out.Value, renderAssignment(a))
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) assignmentsAt(ctx context.Context, at scope.ID, f assignmentFilter) ([]store.RoleAssignment, error) {
	var as []store.RoleAssignment
	// Above: one exact-scope query per ancestor, root included.
	for cur, ok := at.Parent(); ok; cur, ok = cur.Parent() {
		got, err := h.store.ListAssignments(ctx, store.AssignmentFilter{Scope: cur.String()})
		if err != nil {
			return nil, err
		}
		as = append(as, got...)
	}
	here := store.AssignmentFilter{Under: at.String()}
	if f.atScope {
		here = store.AssignmentFilter{Scope: at.String()}
	}
	got, err := h.store.ListAssignments(ctx, here)
	if err != nil {
		return nil, err
	}
	as = append(as, got...)

	if f.subject != "" {
		subjects := []string{f.subject}
		if f.transitive {
			subjects = append(subjects, h.idx.Memberships(f.subject)...)
		}
		as = slices.DeleteFunc(as, func(a store.RoleAssignment) bool { return !slices.Contains(subjects, a.PrincipalID) })
	}
	slices.SortFunc(as, func(a, b store.RoleAssignment) int {
		if c := strings.Compare(strings.ToLower(a.Scope), strings.ToLower(b.Scope)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return slices.CompactFunc(as, func(a, b store.RoleAssignment) bool { return a.Name == b.Name }), nil
}

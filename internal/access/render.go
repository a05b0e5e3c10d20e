package access

import (
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// assignmentJSON is ARM's role assignment resource.
type assignmentJSON struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	Type       string               `json:"type"`
	Properties assignmentProperties `json:"properties"`
}

type assignmentProperties struct {
	RoleDefinitionID string  `json:"roleDefinitionId"`
	PrincipalID      string  `json:"principalId"`
	PrincipalType    string  `json:"principalType"`
	Scope            string  `json:"scope"`
	Description      string  `json:"description"`
	CreatedOn        string  `json:"createdOn"`
	UpdatedOn        string  `json:"updatedOn"`
	CreatedBy        string  `json:"createdBy"`
	UpdatedBy        string  `json:"updatedBy"`
	Condition        *string `json:"condition"`
	ConditionVersion *string `json:"conditionVersion"`
}

// definitionJSON is ARM's role definition resource.
type definitionJSON struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	Type       string               `json:"type"`
	Properties definitionProperties `json:"properties"`
}

type definitionProperties struct {
	RoleName         string             `json:"roleName"`
	Type             string             `json:"type"`
	Description      string             `json:"description"`
	AssignableScopes []string           `json:"assignableScopes"`
	Permissions      []store.Permission `json:"permissions"`
	CreatedOn        string             `json:"createdOn,omitempty"`
	UpdatedOn        string             `json:"updatedOn,omitempty"`
	CreatedBy        string             `json:"createdBy,omitempty"`
	UpdatedBy        string             `json:"updatedBy,omitempty"`
}

type list[T any] struct {
	Value []T `json:"value"`
}

// extensionID renders "{scope}/providers/Microsoft.Authorization/{typ}/{name}";
// the root scope renders without a leading "//".
func extensionID(scopeStr, typ, name string) string {
	if scopeStr == "/" {
		scopeStr = ""
	}
	return scopeStr + "/providers/Microsoft.Authorization/" + typ + "/" + name
}

// roleDefinitionRef renders a role's ID as ARM does inside an assignment:
// subscription-qualified when the assignment lives in a subscription.
func roleDefinitionRef(assignmentScope, roleID string) string {
	if id, err := scope.Parse(assignmentScope); err == nil && id.Subscription != "" {
		return extensionID("/subscriptions/"+id.Subscription, "roleDefinitions", roleID)
	}
	return extensionID("/", "roleDefinitions", roleID)
}

func renderAssignment(a store.RoleAssignment) assignmentJSON {
	return assignmentJSON{
		ID:   extensionID(a.Scope, "roleAssignments", a.Name),
		Name: a.Name,
		Type: typeAssignments,
		Properties: assignmentProperties{
			RoleDefinitionID: roleDefinitionRef(a.Scope, a.RoleDefinitionID),
			PrincipalID:      a.PrincipalID,
			PrincipalType:    a.PrincipalType,
			Scope:            a.Scope,
			Description:      a.Description,
			CreatedOn:        armTime(a.CreatedAt),
			UpdatedOn:        armTime(a.UpdatedAt),
			CreatedBy:        a.CreatedBy,
			UpdatedBy:        a.CreatedBy,
		},
	}
}

// renderDefinition renders d with its ID at the requested scope, as ARM
// does (the same role reads as ".../subscriptions/s/providers/..." or
// "/providers/..." depending on where it was asked for).
func renderDefinition(atScope string, d store.RoleDefinition) definitionJSON {
	perms := make([]store.Permission, len(d.Permissions))
	for i, p := range d.Permissions {
		perms[i] = nonNilPermission(p)
	}
	return definitionJSON{
		ID:   extensionID(atScope, "roleDefinitions", d.ID),
		Name: d.ID,
		Type: typeDefinitions,
		Properties: definitionProperties{
			RoleName:         d.RoleName,
			Type:             d.RoleType,
			Description:      d.Description,
			AssignableScopes: nonNil(d.AssignableScopes),
			Permissions:      perms,
			CreatedOn:        armTime(d.CreatedAt),
			UpdatedOn:        armTime(d.UpdatedAt),
			CreatedBy:        d.CreatedBy,
			UpdatedBy:        d.CreatedBy,
		},
	}
}

// nonNilPermission makes every list render as [] rather than null, which
// the Azure SDKs and az CLI expect.
func nonNilPermission(p store.Permission) store.Permission {
	return store.Permission{
		Actions:        nonNil(p.Actions),
		NotActions:     nonNil(p.NotActions),
		DataActions:    nonNil(p.DataActions),
		NotDataActions: nonNil(p.NotDataActions),
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func armTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// quoted returns the value of a single-quoted OData literal.
func quoted(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	v := s[1 : len(s)-1]
	return v, !strings.Contains(v, "'")
}

package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
)

// principal is a directory object an assignment or access check is about.
type principal struct {
	ID   string // object ID
	Type string // User, Group or ServicePrincipal
}

// principalType maps a Graph @odata.type to ARM's principalType.
func principalType(obj map[string]any) string {
	t, _ := obj["@odata.type"].(string)
	switch strings.ToLower(strings.TrimPrefix(t, "#microsoft.graph.")) {
	case "user":
		return "User"
	case "group":
		return "Group"
	case "serviceprincipal":
		return "ServicePrincipal"
	}
	return ""
}

// resolveAssignee turns --assignee into a principal, as az does:
//   - a GUID is an object ID, or else a service principal's appId;
//   - something with '@' is a user principal name;
//   - a resource ID is a managed identity (user-assigned, or a resource's
//     system-assigned one);
//   - anything else is the name of a user-assigned identity in the
//     subscription (in group only, when group is set), which must be unique.
func (c *client) resolveAssignee(ctx context.Context, assignee, group string) (principal, error) {
	switch {
	case assignee == "":
		return principal{}, fmt.Errorf("--assignee is required")
	case scope.IsGUID(assignee):
		var obj map[string]any
		err := c.call(ctx, http.MethodGet, "/v1.0/directoryObjects/"+assignee, nil, nil, &obj)
		if err == nil {
			return principalFrom(obj, assignee)
		}
		if !isNotFound(err) {
			return principal{}, err
		}
		sps, err := c.list(ctx, "/v1.0/servicePrincipals", url.Values{"$filter": {"appId eq '" + assignee + "'"}})
		if err != nil {
			return principal{}, err
		}
		if len(sps) == 0 {
			return principal{}, fmt.Errorf("no user, group or service principal has object ID or appId %s", assignee)
		}
		return principalFrom(sps[0], assignee)
	case strings.Contains(assignee, "@"):
		if err := checkName("user principal name", assignee); err != nil {
			return principal{}, err
		}
		var obj map[string]any
		if err := c.call(ctx, http.MethodGet, "/v1.0/users/"+assignee, nil, nil, &obj); err != nil {
			if isNotFound(err) {
				return principal{}, fmt.Errorf("no user %q", assignee)
			}
			return principal{}, err
		}
		return principalFrom(obj, assignee)
	case strings.HasPrefix(assignee, "/"):
		return c.resourcePrincipal(ctx, assignee)
	}
	return c.identityByName(ctx, assignee, group)
}

func principalFrom(obj map[string]any, ref string) (principal, error) {
	id, _ := obj["id"].(string)
	if !scope.IsGUID(id) {
		return principal{}, fmt.Errorf("the directory object for %q has no valid id", ref)
	}
	return principal{ID: id, Type: principalType(obj)}, nil
}

// resourcePrincipal reads a managed identity's principal from its resource:
// a user-assigned identity's properties.principalId, or the system-assigned
// identity.principalId of an app or host.
func (c *client) resourcePrincipal(ctx context.Context, ref string) (principal, error) {
	id, err := parseID("--assignee", ref)
	if err != nil {
		return principal{}, err
	}
	api := map[string]string{
		strings.ToLower(identityType.provider): identityType.api,
		strings.ToLower(siteType.provider):     siteType.api,
		strings.ToLower(vmType.provider):       vmType.api,
	}[strings.ToLower(id.Type())]
	if api == "" {
		return principal{}, fmt.Errorf("--assignee %q is a %s, which has no managed identity", ref, id.Type())
	}
	var obj map[string]any
	if err := c.call(ctx, http.MethodGet, id.String(), apiVersion(api), nil, &obj); err != nil {
		return principal{}, err
	}
	pid, _ := lookup(obj, "properties.principalId").(string)
	if pid == "" {
		pid, _ = lookup(obj, "identity.principalId").(string)
	}
	if !scope.IsGUID(pid) {
		return principal{}, fmt.Errorf("%s has no system-assigned identity", ref)
	}
	return principal{ID: pid, Type: "ServicePrincipal"}, nil
}

func (c *client) identityByName(ctx context.Context, name, group string) (principal, error) {
	p, err := c.collection(identityType, group)
	if err != nil {
		return principal{}, err
	}
	items, err := c.list(ctx, p, apiVersion(identityType.api))
	if err != nil {
		return principal{}, err
	}
	found := named(items, name)
	switch len(found) {
	case 0:
		where := "the subscription"
		if group != "" {
			where = "resource group " + group
		}
		return principal{}, fmt.Errorf("--assignee %q is not a GUID, a user principal name or a user-assigned identity in %s", name, where)
	case 1:
		pid, _ := lookup(found[0], "properties.principalId").(string)
		if !scope.IsGUID(pid) {
			return principal{}, fmt.Errorf("identity %q has no principalId", name)
		}
		return principal{ID: pid, Type: "ServicePrincipal"}, nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i], _ = f["id"].(string)
	}
	return principal{}, fmt.Errorf("%d identities are named %q; pass -g or a resource ID: %s", len(found), name, strings.Join(ids, ", "))
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

const authzProvider = "/providers/Microsoft.Authorization"

var roleDefColumns = cols("Name=properties.roleName", "Type=properties.type", "Id=name", "Description=properties.description")

// odataString quotes s for an OData $filter literal.
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// under joins a scope and a provider path ("/" has no prefix of its own).
func under(scopeID, rest string) string {
	return strings.TrimSuffix(scopeID, "/") + rest
}

// defaultScope is --scope (validated), -g's group, or the subscription.
func (c *client) scopeOf(scopeFlag, group string, required bool) (string, error) {
	switch {
	case scopeFlag != "" && group != "":
		return "", errors.New("pass either --scope or --resource-group, not both")
	case scopeFlag != "":
		id, err := parseID("--scope", scopeFlag)
		if err != nil {
			return "", err
		}
		return id.String(), nil
	case group != "":
		return c.groupPath(group)
	case required:
		return "", errors.New("--scope or --resource-group is required")
	}
	return c.subPath()
}

// roleDefinitions lists definitions visible at the subscription.
func (c *client) roleDefinitions(ctx context.Context, filter string) ([]map[string]any, error) {
	s, err := c.subPath()
	if err != nil {
		return nil, err
	}
	q := apiVersion(apiDefinitions)
	if filter != "" {
		q.Set("$filter", filter)
	}
	return c.list(ctx, s+authzProvider+"/roleDefinitions", q)
}

// resolveRole turns --role (a GUID or a role name) into a definition ID.
func (c *client) resolveRole(ctx context.Context, role string) (string, error) {
	if scope.IsGUID(role) {
		s, err := c.subPath()
		return s + authzProvider + "/roleDefinitions/" + role, err
	}
	if role == "" {
		return "", errors.New("--role is required")
	}
	defs, err := c.roleDefinitions(ctx, "roleName eq "+odataString(role))
	if err != nil {
		return "", err
	}
	var ids []string
	for _, d := range defs {
		if n, _ := lookup(d, "properties.roleName").(string); strings.EqualFold(n, role) {
			id, _ := d["id"].(string)
			ids = append(ids, id)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("role %q doesn't exist", role)
	case 1:
		id, err := parseID("role definition ID from the server", ids[0])
		return id.String(), err
	}
	return "", fmt.Errorf("%d roles are named %q; pass the role's GUID", len(ids), role)
}

// roleDefinitionInput is az's role-definition file; keys are matched
// case-insensitively by encoding/json, so "Name" and "name" both work.
type roleDefinitionInput struct {
	Name             string   `json:"name"`
	RoleName         string   `json:"roleName"`
	Description      string   `json:"description"`
	Actions          []string `json:"actions"`
	NotActions       []string `json:"notActions"`
	DataActions      []string `json:"dataActions"`
	NotDataActions   []string `json:"notDataActions"`
	AssignableScopes []string `json:"assignableScopes"`
}

// readJSONArg reads "@file" or inline JSON, as az's --role-definition does.
func readJSONArg(v string) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		return b, nil
	}
	return []byte(v), nil
}

func (in roleDefinitionInput) body() (scopeID string, body map[string]any, err error) {
	name := in.RoleName
	if name == "" {
		name = in.Name
	}
	if name == "" {
		return "", nil, errors.New("the role definition needs a Name")
	}
	if len(in.AssignableScopes) == 0 {
		return "", nil, errors.New("the role definition needs AssignableScopes")
	}
	scopes := make([]string, len(in.AssignableScopes))
	for i, s := range in.AssignableScopes {
		id, err := parseID("AssignableScopes", s)
		if err != nil {
			return "", nil, err
		}
		scopes[i] = id.String()
	}
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return scopes[0], map[string]any{"properties": map[string]any{
		"roleName": name, "description": in.Description, "type": "CustomRole",
		"assignableScopes": scopes,
		"permissions": []map[string]any{{
			"actions": nz(in.Actions), "notActions": nz(in.NotActions),
			"dataActions": nz(in.DataActions), "notDataActions": nz(in.NotDataActions),
		}},
	}}, nil
}

func newRoleDefinitionCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "definition", Short: "Manage role definitions"}
	var name string
	var customOnly bool
	list := &cobra.Command{Use: "list", Short: "List role definitions", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			filter := ""
			switch {
			case name != "" && !scope.IsGUID(name):
				filter = "roleName eq " + odataString(name)
			case customOnly:
				filter = "type eq 'CustomRole'"
			}
			defs, err := c.roleDefinitions(ctx, filter)
			if err != nil {
				return err
			}
			out := defs[:0]
			for _, d := range defs {
				n, _ := d["name"].(string)
				t, _ := lookup(d, "properties.type").(string)
				if (name == "" || !scope.IsGUID(name) || strings.EqualFold(n, name)) && (!customOnly || t == "CustomRole") {
					out = append(out, d)
				}
			}
			return a.print(cmd.OutOrStdout(), out, roleDefColumns)
		})}
	list.Flags().StringVarP(&name, "name", "n", "", "role name or GUID")
	list.Flags().BoolVar(&customOnly, "custom-role-only", false, "only custom roles")

	var def string
	create := &cobra.Command{Use: "create", Short: "Create a custom role", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			raw, err := readJSONArg(def)
			if err != nil {
				return err
			}
			var in roleDefinitionInput
			if err := json.Unmarshal(raw, &in); err != nil {
				return fmt.Errorf("--role-definition is not valid JSON: %w", err)
			}
			scopeID, body, err := in.body()
			if err != nil {
				return err
			}
			id := under(scopeID, authzProvider+"/roleDefinitions/"+uuid.NewString())
			return a.put(ctx, c, cmd, id, apiDefinitions, body, roleDefColumns)
		})}
	create.Flags().StringVar(&def, "role-definition", "", "the role as JSON, or @file.json: {Name, Description, Actions, NotActions, DataActions, NotDataActions, AssignableScopes}")
	create.MarkFlagRequired("role-definition")

	var delName string
	del := &cobra.Command{Use: "delete", Short: "Delete a custom role", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.resolveRole(ctx, delName)
			if err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, id, apiVersion(apiDefinitions), nil, nil)
		})}
	del.Flags().StringVarP(&delName, "name", "n", "", "role name or GUID")
	del.MarkFlagRequired("name")
	cmd.AddCommand(list, create, del)
	return cmd
}

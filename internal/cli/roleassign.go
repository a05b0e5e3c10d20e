package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

var assignmentColumns = cols("Principal=properties.principalId", "Role=properties.roleDefinitionName", "Scope=properties.scope", "Name=name")

func newRoleCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "role", Short: "Manage role definitions and assignments (RBAC)"}
	cmd.AddCommand(newRoleDefinitionCommand(a), newRoleAssignmentCommand(a))
	return cmd
}

type assignFlags struct{ assignee, role, scope, group string }

func (f *assignFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.assignee, "assignee", "", "object ID, appId, user principal name, or managed identity name or resource ID")
	cmd.Flags().StringVar(&f.role, "role", "", "role name or GUID")
	cmd.Flags().StringVar(&f.scope, "scope", "", "scope: /, /subscriptions/{s}, a group's or a resource's ID")
	cmd.Flags().StringVarP(&f.group, "resource-group", "g", "", "scope: this resource group")
}

func newRoleAssignmentCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "assignment", Short: "Manage role assignments"}
	var cf assignFlags
	var description string
	create := &cobra.Command{Use: "create", Short: "Grant a role to a principal at a scope", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			sc, err := c.scopeOf(cf.scope, cf.group, true)
			if err != nil {
				return err
			}
			p, err := c.resolveAssignee(ctx, cf.assignee, cf.group)
			if err != nil {
				return err
			}
			roleID, err := c.resolveRole(ctx, cf.role)
			if err != nil {
				return err
			}
			props := map[string]any{"roleDefinitionId": roleID, "principalId": p.ID}
			if p.Type != "" {
				props["principalType"] = p.Type
			}
			if description != "" {
				props["description"] = description
			}
			id := under(sc, authzProvider+"/roleAssignments/"+uuid.NewString())
			return a.put(ctx, c, cmd, id, apiAssignments, map[string]any{"properties": props}, assignmentColumns)
		})}
	cf.bind(create)
	create.Flags().StringVar(&description, "description", "", "description")
	create.MarkFlagRequired("assignee")
	create.MarkFlagRequired("role")

	var lf assignFlags
	var all bool
	list := &cobra.Command{Use: "list", Short: "List role assignments", Args: cobra.NoArgs,
		Long: `List role assignments at the scope (default: the subscription) and above it;
with --all also those below it. --assignee keeps one principal's assignments.`,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			items, err := c.assignments(ctx, lf, all)
			if err != nil {
				return err
			}
			if a.output != "json" {
				c.nameRoles(ctx, items)
			}
			return a.print(cmd.OutOrStdout(), items, assignmentColumns)
		})}
	lf.bind(list)
	list.Flags().BoolVar(&all, "all", false, "also assignments below the scope")

	var df assignFlags
	var ids []string
	del := &cobra.Command{Use: "delete", Short: "Delete role assignments by ID, or by assignee, role and scope", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			targets := ids
			if len(targets) == 0 {
				found, err := c.matchAssignments(ctx, df)
				if err != nil {
					return err
				}
				targets = found
			}
			for _, raw := range targets {
				id, err := parseID("--ids", raw)
				if err != nil {
					return err
				}
				if !strings.EqualFold(id.Type(), "Microsoft.Authorization/roleAssignments") {
					return fmt.Errorf("--ids %q is not a role assignment ID", raw)
				}
				if err := c.call(ctx, http.MethodDelete, id.String(), apiVersion(apiAssignments), nil, nil); err != nil {
					return err
				}
			}
			return nil
		})}
	df.bind(del)
	del.Flags().StringSliceVar(&ids, "ids", nil, "role assignment IDs")
	del.MarkFlagsMutuallyExclusive("ids", "assignee")
	cmd.AddCommand(create, list, del)
	return cmd
}

// assignments lists at the scope: one principal's when an assignee is given,
// and without all only those at or above the scope (az's default).
func (c *client) assignments(ctx context.Context, f assignFlags, all bool) ([]map[string]any, error) {
	sc, err := c.scopeOf(f.scope, f.group, false)
	if err != nil {
		return nil, err
	}
	q := apiVersion(apiAssignments)
	if f.assignee != "" {
		p, err := c.resolveAssignee(ctx, f.assignee, f.group)
		if err != nil {
			return nil, err
		}
		q.Set("$filter", "principalId eq "+odataString(p.ID))
	} else if !all {
		q.Set("$filter", "atScope()")
	}
	items, err := c.list(ctx, under(sc, authzProvider+"/roleAssignments"), q)
	if err != nil || all {
		return items, err
	}
	want, _ := scope.KeyOf(sc)
	return slices.DeleteFunc(items, func(it map[string]any) bool {
		s, _ := lookup(it, "properties.scope").(string)
		k, err := scope.KeyOf(s)
		return err != nil || !scope.ContainsKey(k, want)
	}), nil
}

// matchAssignments finds the IDs for delete --assignee --role --scope.
func (c *client) matchAssignments(ctx context.Context, f assignFlags) ([]string, error) {
	if f.assignee == "" || f.role == "" {
		return nil, errors.New("pass --ids, or --assignee, --role and --scope (or -g)")
	}
	sc, err := c.scopeOf(f.scope, f.group, true)
	if err != nil {
		return nil, err
	}
	roleID, err := c.resolveRole(ctx, f.role)
	if err != nil {
		return nil, err
	}
	items, err := c.assignments(ctx, f, true)
	if err != nil {
		return nil, err
	}
	want, _ := scope.KeyOf(sc)
	var ids []string
	for _, it := range items {
		s, _ := lookup(it, "properties.scope").(string)
		rd, _ := lookup(it, "properties.roleDefinitionId").(string)
		if k, err := scope.KeyOf(s); err == nil && k == want && strings.EqualFold(path.Base(rd), path.Base(roleID)) {
			id, _ := it["id"].(string)
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no assignment of role %q to %q at %s", f.role, f.assignee, sc)
	}
	return ids, nil
}

// nameRoles adds properties.roleDefinitionName for table output, as az
// does; a failed lookup only leaves the column empty.
func (c *client) nameRoles(ctx context.Context, items []map[string]any) {
	defs, err := c.roleDefinitions(ctx, "")
	if err != nil {
		return
	}
	names := map[string]string{}
	for _, d := range defs {
		n, _ := d["name"].(string)
		names[strings.ToLower(n)], _ = lookup(d, "properties.roleName").(string)
	}
	for _, it := range items {
		if p, ok := it["properties"].(map[string]any); ok {
			rd, _ := p["roleDefinitionId"].(string)
			p["roleDefinitionName"] = names[strings.ToLower(path.Base(rd))]
		}
	}
}

package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
)

var (
	groupColumns    = cols("Name=name", "Location=location", "Status=properties.provisioningState")
	resourceColumns = cols("Name=name", "ResourceGroup=resourceGroup", "Location=location")
)

// parseKV parses K=V pairs (tags, app settings). A value may contain '='.
func parseKV(what string, pairs []string) (map[string]string, error) {
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q must look like KEY=VALUE", what, p)
		}
		m[k] = v
	}
	return m, nil
}

func newGroupCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Manage resource groups"}
	var name, location string
	var tags []string
	create := &cobra.Command{Use: "create", Short: "Create or update a resource group", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := c.groupPath(name)
			if err != nil {
				return err
			}
			t, err := parseKV("tag", tags)
			if err != nil {
				return err
			}
			return a.put(ctx, c, cmd, p, apiGroups, map[string]any{"location": location, "tags": t}, groupColumns)
		})}
	create.Flags().StringVarP(&name, "name", "n", "", "resource group name")
	create.Flags().StringVarP(&location, "location", "l", "local", "location")
	create.Flags().StringArrayVar(&tags, "tags", nil, "tag KEY=VALUE (repeatable)")
	create.MarkFlagRequired("name")

	var showName, delName string
	show := &cobra.Command{Use: "show", Short: "Show a resource group", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := c.groupPath(showName)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodGet, p, apiVersion(apiGroups), nil, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, groupColumns)
		})}
	show.Flags().StringVarP(&showName, "name", "n", "", "resource group name")
	show.MarkFlagRequired("name")

	list := &cobra.Command{Use: "list", Short: "List resource groups", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			s, err := c.subPath()
			if err != nil {
				return err
			}
			items, err := c.list(ctx, s+"/resourcegroups", apiVersion(apiGroups))
			if err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), items, groupColumns)
		})}

	del := &cobra.Command{Use: "delete", Short: "Delete a resource group and everything in it", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := c.groupPath(delName)
			if err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, p, apiVersion(apiGroups), nil, nil)
		})}
	del.Flags().StringVarP(&delName, "name", "n", "", "resource group name")
	del.Flags().BoolP("yes", "y", false, "do not prompt for confirmation (accepted for az compatibility; lanyard never prompts)")
	del.MarkFlagRequired("name")

	cmd.AddCommand(create, show, list, del)
	return cmd
}

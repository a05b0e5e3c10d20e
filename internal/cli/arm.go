package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

// api-versions the CLI speaks, one per type, all accepted by the server
// (docs/rest-api.md).
const (
	apiSubscriptions = "2022-12-01"
	apiGroups        = "2024-03-01"
	apiIdentities    = "2023-01-31"
	apiSites         = "2023-12-01"
	apiVMs           = "2024-03-01"
	apiStorage       = "2023-05-01"
	apiVaults        = "2023-07-01"
	apiAssignments   = "2022-04-01"
	apiDefinitions   = "2022-04-01"
)

// armType is a resource type living in a resource group.
type armType struct {
	provider string // "Microsoft.Web/sites"
	api      string
	noun     string // for messages: "app"
}

var (
	identityType = armType{"Microsoft.ManagedIdentity/userAssignedIdentities", apiIdentities, "identity"}
	siteType     = armType{"Microsoft.Web/sites", apiSites, "app"}
	vmType       = armType{"Microsoft.Compute/virtualMachines", apiVMs, "host"}
	storageType  = armType{"Microsoft.Storage/storageAccounts", apiStorage, "storage account"}
	vaultType    = armType{"Microsoft.KeyVault/vaults", apiVaults, "key vault"}
)

// checkName rejects what cannot be one segment of a resource ID, so a name
// like "../x" or "a?b" can never reach another path on the server.
func checkName(what, v string) error {
	if v == "" {
		return fmt.Errorf("the %s is required", what)
	}
	if v == "." || v == ".." || len(v) > 260 || strings.ContainsAny(v, "/\\?#") {
		return fmt.Errorf("%q is not a valid %s", v, what)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q is not a valid %s", v, what)
		}
	}
	return nil
}

func (c *client) subPath() (string, error) {
	if err := checkName("subscription", c.sub); err != nil {
		return "", errors.New("no subscription: pass --subscription or run 'lanyard login'")
	}
	return "/subscriptions/" + c.sub, nil
}

func (c *client) groupPath(group string) (string, error) {
	s, err := c.subPath()
	if err != nil {
		return "", err
	}
	if err := checkName("resource group (--resource-group/-g)", group); err != nil {
		return "", err
	}
	return s + "/resourceGroups/" + group, nil
}

// id is the resource ID of name in group.
func (c *client) id(t armType, group, name string) (string, error) {
	g, err := c.groupPath(group)
	if err != nil {
		return "", err
	}
	if err := checkName(t.noun+" name (--name/-n)", name); err != nil {
		return "", err
	}
	return g + "/providers/" + t.provider + "/" + name, nil
}

// collection is the list path: the subscription's, or one group's.
func (c *client) collection(t armType, group string) (string, error) {
	base, err := c.subPath()
	if group != "" {
		base, err = c.groupPath(group)
	}
	if err != nil {
		return "", err
	}
	return base + "/providers/" + t.provider, nil
}

// parseID validates a user-given resource ID or scope and renders it
// canonically.
func parseID(what, s string) (scope.ID, error) {
	id, err := scope.Parse(s)
	if err != nil {
		return scope.ID{}, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

type groupName struct{ group, name string }

func (g *groupName) bind(cmd *cobra.Command, nameRequired bool) {
	cmd.Flags().StringVarP(&g.group, "resource-group", "g", "", "resource group")
	cmd.Flags().StringVarP(&g.name, "name", "n", "", "name")
	cmd.MarkFlagRequired("resource-group")
	if nameRequired {
		cmd.MarkFlagRequired("name")
	}
}

// crudCommands adds show, list and delete for t; create differs per type.
func crudCommands(a *app, t armType, columns []column) []*cobra.Command {
	var show, del groupName
	var listGroup string
	showCmd := &cobra.Command{Use: "show", Short: "Show a " + t.noun, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(t, show.group, show.name)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodGet, id, apiVersion(t.api), nil, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, columns)
		})}
	show.bind(showCmd, true)
	listCmd := &cobra.Command{Use: "list", Short: "List " + t.noun + "s in the subscription or a group", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := c.collection(t, listGroup)
			if err != nil {
				return err
			}
			items, err := c.list(ctx, p, apiVersion(t.api))
			if err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), items, columns)
		})}
	listCmd.Flags().StringVarP(&listGroup, "resource-group", "g", "", "only this resource group")
	delCmd := &cobra.Command{Use: "delete", Short: "Delete a " + t.noun, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(t, del.group, del.name)
			if err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, id, apiVersion(t.api), nil, nil)
		})}
	del.bind(delCmd, true)
	delCmd.Flags().BoolP("yes", "y", false, "do not prompt for confirmation (accepted for az compatibility; lanyard never prompts)")
	return []*cobra.Command{showCmd, listCmd, delCmd}
}

// put creates or updates id and prints the result.
func (a *app) put(ctx context.Context, c *client, cmd *cobra.Command, id, api string, body any, columns []column) error {
	var out map[string]any
	if err := c.call(ctx, http.MethodPut, id, apiVersion(api), body, &out); err != nil {
		return err
	}
	return a.print(cmd.OutOrStdout(), out, columns)
}

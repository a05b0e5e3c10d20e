package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

var appColumns = cols("Name=name", "ResourceGroup=resourceGroup", "Location=location", "State=properties.state", "DefaultHostName=properties.defaultHostName")

func newAppCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "app", Short: "Manage apps (Microsoft.Web/sites)"}
	var gn groupName
	var location, host string
	var tags []string
	create := &cobra.Command{Use: "create", Short: "Create or update an app", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(siteType, gn.group, gn.name)
			if err != nil {
				return err
			}
			tg, err := parseKV("tag", tags)
			if err != nil {
				return err
			}
			props := map[string]any{}
			if host != "" {
				hostID, err := c.hostID(gn.group, host)
				if err != nil {
					return err
				}
				props["hostId"] = hostID
			}
			body := map[string]any{"location": location, "tags": tg, "properties": props}
			return a.put(ctx, c, cmd, id, siteType.api, body, appColumns)
		})}
	gn.bind(create, true)
	create.Flags().StringVarP(&location, "location", "l", "local", "location")
	create.Flags().StringVar(&host, "host", "", "host the app runs on: a host (VM) name in the same group, or its resource ID")
	create.Flags().StringArrayVar(&tags, "tags", nil, "tag KEY=VALUE (repeatable)")
	cmd.AddCommand(create)
	cmd.AddCommand(crudCommands(a, siteType, appColumns)...)
	cmd.AddCommand(newIdentityAssignCommand(a, siteType), newAppConfigCommand(a))
	return cmd
}

// hostID resolves --host: a resource ID must name a virtual machine; a bare
// name is a VM in the app's group.
func (c *client) hostID(group, host string) (string, error) {
	if !strings.HasPrefix(host, "/") {
		return c.id(vmType, group, host)
	}
	id, err := parseID("--host", host)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(id.Type(), vmType.provider) {
		return "", fmt.Errorf("--host %q is a %s, not a host (%s)", host, id.Type(), vmType.provider)
	}
	return id.String(), nil
}

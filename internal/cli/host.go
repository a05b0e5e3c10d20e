package cli

import (
	"context"
	"net/http"

	"github.com/spf13/cobra"
)

// hostCreateColumns add the join token to a VM's table row: it is shown
// once, at creation, and is what 'lanyard agent --join-token' needs.
var hostCreateColumns = cols("Name=name", "ResourceGroup=resourceGroup", "Location=location", "JoinToken=joinToken")

var joinTokenColumns = cols("JoinToken=joinToken", "ExpiresOn=expiresOn")

func newHostCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "host", Short: "Manage hosts (Microsoft.Compute/virtualMachines) that run apps"}
	cmd.AddCommand(newHostCreateCommand(a), newHostJoinTokenCommand(a), newHostRevokeCommand(a), newIdentityAssignCommand(a, vmType))
	cmd.AddCommand(crudCommands(a, vmType, resourceColumns)...)
	return cmd
}

// hostAction posts the ARM action on the VM -n/-g and decodes the answer.
func hostAction(ctx context.Context, c *client, gn groupName, action string, out any) error {
	id, err := c.id(vmType, gn.group, gn.name)
	if err != nil {
		return err
	}
	return c.call(ctx, http.MethodPost, id+"/"+action, apiVersion(vmType.api), nil, out)
}

func newHostCreateCommand(a *app) *cobra.Command {
	var gn groupName
	var location string
	var tags []string
	cmd := &cobra.Command{Use: "create", Short: "Create or update a host and print a one-time join token for its agent", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(vmType, gn.group, gn.name)
			if err != nil {
				return err
			}
			tg, err := parseKV("tag", tags)
			if err != nil {
				return err
			}
			body := map[string]any{"location": location, "tags": tg, "properties": map[string]any{}}
			var vm map[string]any
			if err := c.call(ctx, http.MethodPut, id, apiVersion(vmType.api), body, &vm); err != nil {
				return err
			}
			var tok struct {
				JoinToken string `json:"joinToken"`
			}
			if err := hostAction(ctx, c, gn, "joinToken", &tok); err != nil {
				return err
			}
			vm["joinToken"] = tok.JoinToken
			return a.print(cmd.OutOrStdout(), vm, hostCreateColumns)
		})}
	gn.bind(cmd, true)
	cmd.Flags().StringVarP(&location, "location", "l", "local", "location")
	cmd.Flags().StringArrayVar(&tags, "tags", nil, "tag KEY=VALUE (repeatable)")
	return cmd
}

func newHostJoinTokenCommand(a *app) *cobra.Command {
	var gn groupName
	cmd := &cobra.Command{Use: "join-token", Short: "Print a new one-time join token for a host's agent (replaces any unused one)", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			var out map[string]any
			if err := hostAction(ctx, c, gn, "joinToken", &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, joinTokenColumns)
		})}
	gn.bind(cmd, true)
	return cmd
}

func newHostRevokeCommand(a *app) *cobra.Command {
	var gn groupName
	cmd := &cobra.Command{Use: "revoke", Short: "Revoke a host agent's certificates and unused join token; its next request is refused", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			return hostAction(ctx, c, gn, "revokeAgent", nil)
		})}
	gn.bind(cmd, true)
	return cmd
}

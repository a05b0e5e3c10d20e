package cli

import (
	"context"

	"github.com/spf13/cobra"
)

var identityColumns = cols("Name=name", "ResourceGroup=resourceGroup", "Location=location", "PrincipalId=properties.principalId", "ClientId=properties.clientId")

// simpleCreate is `create -n -g [-l] [--tags]` for a type whose create body
// is its location and tags plus extra(), if any.
func simpleCreate(a *app, t armType, columns []column, extra func() map[string]any, addFlags func(*cobra.Command)) *cobra.Command {
	var gn groupName
	var location string
	var tags []string
	cmd := &cobra.Command{Use: "create", Short: "Create or update a " + t.noun, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(t, gn.group, gn.name)
			if err != nil {
				return err
			}
			tg, err := parseKV("tag", tags)
			if err != nil {
				return err
			}
			body := map[string]any{"location": location, "tags": tg}
			if extra != nil {
				for k, v := range extra() {
					body[k] = v
				}
			}
			return a.put(ctx, c, cmd, id, t.api, body, columns)
		})}
	gn.bind(cmd, true)
	cmd.Flags().StringVarP(&location, "location", "l", "local", "location")
	cmd.Flags().StringArrayVar(&tags, "tags", nil, "tag KEY=VALUE (repeatable)")
	if addFlags != nil {
		addFlags(cmd)
	}
	return cmd
}

func newIdentityCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Manage user-assigned managed identities"}
	cmd.AddCommand(simpleCreate(a, identityType, identityColumns, nil, nil))
	cmd.AddCommand(crudCommands(a, identityType, identityColumns)...)
	cmd.AddCommand(newIdentityFederatedCommand(a))
	return cmd
}

func newStorageCommand(a *app) *cobra.Command {
	var sku, kind string
	create := simpleCreate(a, storageType, resourceColumns, func() map[string]any {
		return map[string]any{"kind": kind, "sku": map[string]any{"name": sku}}
	}, func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&sku, "sku", "Standard_LRS", "SKU name")
		cmd.Flags().StringVar(&kind, "kind", "StorageV2", "account kind")
	})
	acct := &cobra.Command{Use: "account", Short: "Manage storage accounts"}
	acct.AddCommand(create)
	acct.AddCommand(crudCommands(a, storageType, resourceColumns)...)
	cmd := &cobra.Command{Use: "storage", Short: "Manage storage"}
	cmd.AddCommand(acct, newStorageContainerCommand(a), newStorageBlobCommand(a))
	return cmd
}

func newKeyVaultCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "keyvault", Short: "Manage key vaults"}
	create := simpleCreate(a, vaultType, resourceColumns, func() map[string]any {
		return map[string]any{"properties": map[string]any{"sku": map[string]any{"family": "A", "name": "standard"}}}
	}, nil)
	cmd.AddCommand(create)
	cmd.AddCommand(crudCommands(a, vaultType, resourceColumns)...)
	cmd.AddCommand(newKeyVaultSecretCommand(a))
	return cmd
}

package cli

import (
	"context"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
)

var (
	userColumns  = cols("DisplayName=displayName", "UserPrincipalName=userPrincipalName", "Id=id")
	adGrpColumns = cols("DisplayName=displayName", "MailNickname=mailNickname", "Id=id")
	spColumns    = cols("DisplayName=displayName", "AppId=appId", "Id=id", "Type=servicePrincipalType")
)

func newADCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "ad", Short: "Manage the directory: users, groups, service principals"}
	cmd.AddCommand(newADUserCommand(a), newADGroupCommand(a), newADSPCommand(a))
	return cmd
}

// graphGet prints GET path; graphDelete deletes it.
func (a *app) graphShow(use, short, collection string, columns []column) *cobra.Command {
	var id string
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkName("--id", id); err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodGet, collection+"/"+id, nil, nil, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, columns)
		})}
	cmd.Flags().StringVar(&id, "id", "", "object ID (or user principal name for users)")
	cmd.MarkFlagRequired("id")
	return cmd
}

func (a *app) graphList(short, collection string, q url.Values, columns []column) *cobra.Command {
	return &cobra.Command{Use: "list", Short: short, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			items, err := c.list(ctx, collection, q)
			if err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), items, columns)
		})}
}

func (a *app) graphDelete(short, collection string) *cobra.Command {
	var id string
	cmd := &cobra.Command{Use: "delete", Short: short, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			if err := checkName("--id", id); err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, collection+"/"+id, nil, nil, nil)
		})}
	cmd.Flags().StringVar(&id, "id", "", "object ID")
	cmd.MarkFlagRequired("id")
	return cmd
}

func newADUserCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users"}
	var display, upn, password string
	create := &cobra.Command{Use: "create", Short: "Create a user", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			body := map[string]any{
				"displayName":       display,
				"userPrincipalName": upn,
				"accountEnabled":    true,
				"passwordProfile":   map[string]any{"password": password},
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodPost, "/v1.0/users", nil, body, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, userColumns)
		})}
	create.Flags().StringVar(&display, "display-name", "", "display name")
	create.Flags().StringVar(&upn, "user-principal-name", "", "sign-in name, like alice@example.com")
	create.Flags().StringVar(&password, "password", "", "initial password")
	for _, f := range []string{"display-name", "user-principal-name", "password"} {
		create.MarkFlagRequired(f)
	}
	cmd.AddCommand(create,
		a.graphList("List users", "/v1.0/users", nil, userColumns),
		a.graphShow("show", "Show a user by object ID or user principal name", "/v1.0/users", userColumns),
		a.graphDelete("Delete a user", "/v1.0/users"))
	return cmd
}

package cli

import (
	"context"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
)

var ficColumns = cols("Name=name", "Issuer=issuer", "Subject=subject", "Audiences=audiences")

// ficFlags are the flags az uses for federated credentials.
type ficFlags struct {
	name, issuer, subject, description string
	audiences                          []string
}

func (f *ficFlags) bindName(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.name, "name", "n", "", "credential name")
	cmd.MarkFlagRequired("name")
}

func (f *ficFlags) bindCreate(cmd *cobra.Command) {
	f.bindName(cmd)
	cmd.Flags().StringVar(&f.issuer, "issuer", "", "the external issuer's URL (https)")
	cmd.Flags().StringVar(&f.subject, "subject", "", "the sub claim of the external tokens to accept")
	cmd.Flags().StringSliceVar(&f.audiences, "audiences", nil, "accepted audience (default api://AzureADTokenExchange)")
	cmd.MarkFlagRequired("issuer")
	cmd.MarkFlagRequired("subject")
}

// newSPFederatedCommand is `lanyard ad sp federated-credential`.
func newSPFederatedCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "federated-credential", Short: "Manage a service principal's federated identity credentials"}
	var ref string
	var f ficFlags
	base := func(ctx context.Context, c *client) (string, error) {
		sp, err := c.servicePrincipal(ctx, ref)
		if err != nil {
			return "", err
		}
		id, _ := sp["id"].(string)
		if err := checkName("service principal ID", id); err != nil {
			return "", err
		}
		return "/v1.0/servicePrincipals/" + id + "/federatedIdentityCredentials", nil
	}
	create := &cobra.Command{Use: "create", Short: "Trust tokens from an external issuer for this principal", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := base(ctx, c)
			if err != nil {
				return err
			}
			body := map[string]any{"name": f.name, "issuer": f.issuer, "subject": f.subject, "audiences": f.audiences, "description": f.description}
			var out map[string]any
			if err := c.call(ctx, http.MethodPost, p, nil, body, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, ficColumns)
		})}
	f.bindCreate(create)
	create.Flags().StringVar(&f.description, "description", "", "description")
	list := &cobra.Command{Use: "list", Short: "List federated identity credentials", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := base(ctx, c)
			if err != nil {
				return err
			}
			items, err := c.list(ctx, p, nil)
			if err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), items, ficColumns)
		})}
	show := &cobra.Command{Use: "show", Short: "Show a federated identity credential", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := base(ctx, c)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodGet, p+"/"+url.PathEscape(f.name), nil, nil, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, ficColumns)
		})}
	f.bindName(show)
	del := &cobra.Command{Use: "delete", Short: "Delete a federated identity credential", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := base(ctx, c)
			if err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, p+"/"+url.PathEscape(f.name), nil, nil, nil)
		})}
	f.bindName(del)
	for _, sub := range []*cobra.Command{create, list, show, del} {
		sub.Flags().StringVar(&ref, "id", "", "service principal object ID or appId")
		sub.MarkFlagRequired("id")
	}
	cmd.AddCommand(create, list, show, del)
	return cmd
}

// newIdentityFederatedCommand is `lanyard identity federated-credential`,
// az's shape: --identity-name and -g select the identity.
func newIdentityFederatedCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "federated-credential", Short: "Manage a user-assigned identity's federated identity credentials"}
	var identity, group string
	var f ficFlags
	const api = "2023-01-31"
	base := func(c *client) (string, error) {
		id, err := c.id(identityType, group, identity)
		if err != nil {
			return "", err
		}
		return id + "/federatedIdentityCredentials", nil
	}
	item := func(c *client) (string, error) {
		p, err := base(c)
		if err != nil {
			return "", err
		}
		if err := checkName("credential name (--name/-n)", f.name); err != nil {
			return "", err
		}
		return p + "/" + f.name, nil
	}
	create := &cobra.Command{Use: "create", Short: "Trust tokens from an external issuer for this identity", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := item(c)
			if err != nil {
				return err
			}
			body := map[string]any{"properties": map[string]any{"issuer": f.issuer, "subject": f.subject, "audiences": f.audiences}}
			var out map[string]any
			if err := c.call(ctx, http.MethodPut, p, apiVersion(api), body, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, identityFICColumns)
		})}
	f.bindCreate(create)
	list := &cobra.Command{Use: "list", Short: "List federated identity credentials", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := base(c)
			if err != nil {
				return err
			}
			items, err := c.list(ctx, p, apiVersion(api))
			if err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), items, identityFICColumns)
		})}
	show := &cobra.Command{Use: "show", Short: "Show a federated identity credential", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := item(c)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodGet, p, apiVersion(api), nil, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, identityFICColumns)
		})}
	f.bindName(show)
	del := &cobra.Command{Use: "delete", Short: "Delete a federated identity credential", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			p, err := item(c)
			if err != nil {
				return err
			}
			return c.call(ctx, http.MethodDelete, p, apiVersion(api), nil, nil)
		})}
	f.bindName(del)
	for _, sub := range []*cobra.Command{create, list, show, del} {
		sub.Flags().StringVar(&identity, "identity-name", "", "user-assigned identity name")
		sub.Flags().StringVarP(&group, "resource-group", "g", "", "resource group")
		sub.MarkFlagRequired("identity-name")
	}
	del.Flags().BoolP("yes", "y", false, "do not prompt (accepted for az compatibility)")
	cmd.AddCommand(create, list, show, del)
	return cmd
}

var identityFICColumns = cols("Name=name", "Issuer=properties.issuer", "Subject=properties.subject", "Audiences=properties.audiences")

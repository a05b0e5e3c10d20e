package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

// spCredential is what `az ad sp create-for-rbac` and `credential reset`
// print: everything an application needs to sign in as the principal.
type spCredential struct {
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName,omitempty"`
	Password    string `json:"password"`
	Tenant      string `json:"tenant"`
}

func newADSPCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "sp", Short: "Manage service principals (application identities)"}
	var display string
	create := &cobra.Command{Use: "create", Short: "Create a service principal (a new appId)", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			var out map[string]any
			if err := c.call(ctx, http.MethodPost, "/v1.0/servicePrincipals", nil, map[string]any{"displayName": display}, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, spColumns)
		})}
	create.Flags().StringVar(&display, "display-name", "", "display name")
	create.MarkFlagRequired("display-name")

	var resetID, credName string
	var appendCred bool
	reset := &cobra.Command{Use: "reset", Short: "Add a new client secret to a service principal and print it", Args: cobra.NoArgs,
		Long: `Add a new client secret and print appId, password and tenant. Unless --append is
given, the secrets the server lists on the principal are removed afterwards. The
secret is shown only this once.`,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			sp, err := c.servicePrincipal(ctx, resetID)
			if err != nil {
				return err
			}
			id, _ := sp["id"].(string)
			if err := checkName("service principal ID", id); err != nil {
				return err
			}
			var secret struct {
				KeyID      string `json:"keyId"`
				SecretText string `json:"secretText"`
			}
			body := map[string]any{"passwordCredential": map[string]any{"displayName": credName}}
			if err := c.call(ctx, http.MethodPost, "/v1.0/servicePrincipals/"+id+"/addPassword", nil, body, &secret); err != nil {
				return err
			}
			if !appendCred {
				creds, _ := sp["passwordCredentials"].([]any)
				for _, cr := range creds {
					m, _ := cr.(map[string]any)
					if kid, _ := m["keyId"].(string); kid != "" && kid != secret.KeyID {
						if err := c.call(ctx, http.MethodPost, "/v1.0/servicePrincipals/"+id+"/removePassword", nil, map[string]string{"keyId": kid}, nil); err != nil {
							return fmt.Errorf("the new secret was added but removing the old one %s failed: %w", kid, err)
						}
					}
				}
			}
			appID, _ := sp["appId"].(string)
			name, _ := sp["displayName"].(string)
			return a.print(cmd.OutOrStdout(), spCredential{AppID: appID, DisplayName: name, Password: secret.SecretText, Tenant: c.prof.TenantID},
				cols("AppId=appId", "DisplayName=displayName", "Password=password", "Tenant=tenant"))
		})}
	reset.Flags().StringVar(&resetID, "id", "", "service principal object ID or appId")
	reset.Flags().StringVar(&credName, "display-name", "lanyard-cli", "name of the new secret")
	reset.Flags().BoolVar(&appendCred, "append", false, "keep the existing secrets")
	reset.MarkFlagRequired("id")
	credential := &cobra.Command{Use: "credential", Short: "Manage service principal secrets"}
	credential.AddCommand(withCertificateReset(a, reset))

	cmd.AddCommand(create, credential, newSPFederatedCommand(a),
		a.graphList("List service principals", "/v1.0/servicePrincipals", nil, spColumns),
		a.graphShow("show", "Show a service principal by object ID", "/v1.0/servicePrincipals", spColumns),
		a.graphDelete("Delete a service principal", "/v1.0/servicePrincipals"))
	return cmd
}

// servicePrincipal finds a service principal by object ID or, failing that,
// by appId, as az accepts either.
func (c *client) servicePrincipal(ctx context.Context, ref string) (map[string]any, error) {
	if !scope.IsGUID(ref) {
		return nil, fmt.Errorf("--id %q must be an object ID or appId (a GUID)", ref)
	}
	var sp map[string]any
	err := c.call(ctx, http.MethodGet, "/v1.0/servicePrincipals/"+ref, nil, nil, &sp)
	if err == nil {
		return sp, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	items, err := c.list(ctx, "/v1.0/servicePrincipals", url.Values{"$filter": {"appId eq '" + ref + "'"}})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no service principal has object ID or appId %s", ref)
	}
	return items[0], nil
}

package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// account is the shape `az login` and `az account show` print; the token is
// deliberately not part of it.
type account struct {
	CloudName    string      `json:"cloudName"`
	HomeTenantID string      `json:"homeTenantId"`
	ID           string      `json:"id"`
	IsDefault    bool        `json:"isDefault"`
	Name         string      `json:"name"`
	State        string      `json:"state"`
	TenantID     string      `json:"tenantId"`
	User         accountUser `json:"user"`
	Server       string      `json:"server"`
	ExpiresOn    string      `json:"tokenExpiresOn"`
}

type accountUser struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

var accountColumns = cols("Name=name", "SubscriptionId=id", "TenantId=tenantId", "User=user.name", "Server=server")

func newAccount(p *Profile) account {
	return account{
		CloudName: "Lanyard", HomeTenantID: p.TenantID, ID: p.SubscriptionID, IsDefault: true,
		Name: p.SubscriptionID, State: "Enabled", TenantID: p.TenantID,
		User:   accountUser{Name: p.User, Type: "user"},
		Server: p.Server, ExpiresOn: p.ExpiresOn.Format(time.RFC3339),
	}
}

func newAccountCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "account", Short: "Show the signed-in account"}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Show the signed-in account and its default subscription",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			prof, err := loadProfile()
			if err != nil {
				return err
			}
			if !a.now().Before(prof.ExpiresOn) {
				return errExpired
			}
			acc := newAccount(prof)
			if a.subscription != "" {
				acc.ID, acc.Name = a.subscription, a.subscription
			}
			return a.print(cmd.OutOrStdout(), acc, accountColumns)
		},
	})
	return cmd
}

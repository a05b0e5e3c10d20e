package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// app is the state every command shares: global flags and the clock.
type app struct {
	output       string // json, table or tsv
	subscription string // --subscription override
	now          func() time.Time
}

// NewRootCommand builds the `lanyard` command tree. main executes it with a
// context cancelled on SIGINT/SIGTERM and prints a returned error as
// "ERROR: <message>"; the commands themselves print nothing on failure.
func NewRootCommand() *cobra.Command {
	return newRoot(&app{now: time.Now})
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "lanyard",
		Short:         "Lanyard: a self-hosted, Azure-compatible managed-identity system",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			switch a.output {
			case "json", "table", "tsv":
				return nil
			}
			return fmt.Errorf("--output %q must be json, table or tsv", a.output)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.output, "output", "o", "json", "output format: json, table or tsv")
	pf.StringVar(&a.subscription, "subscription", "", "subscription ID to use instead of the profile's default")
	root.AddCommand(
		newServeCommand(), newAgentCommand(), newRunCommand(),
		newLoginCommand(a), newLogoutCommand(), newAccountCommand(a),
		newGroupCommand(a), newIdentityCommand(a), newAppCommand(a), newHostCommand(a),
		newStorageCommand(a), newKeyVaultCommand(a),
		newADCommand(a), newRoleCommand(a), newAccessCommand(a),
	)
	return root
}

// client loads the profile and refuses an expired token before sending it.
func (a *app) client() (*client, error) {
	prof, err := loadProfile()
	if err != nil {
		return nil, err
	}
	if !prof.ExpiresOn.IsZero() && !a.now().Before(prof.ExpiresOn) {
		return nil, errExpired
	}
	hc, err := newHTTPClient([]byte(prof.CACertPEM))
	if err != nil {
		return nil, fmt.Errorf("the profile's CA certificate: %w; run 'lanyard login --ca-file <data-dir>/ca.crt'", err)
	}
	sub := prof.SubscriptionID
	if a.subscription != "" {
		if err := checkName("subscription", a.subscription); err != nil {
			return nil, err
		}
		sub = a.subscription
	}
	return &client{base: prof.Server, http: hc, token: prof.AccessToken, sub: sub, prof: prof}, nil
}

// run adapts a client command body to cobra: it builds the client and hands
// the command's context, so Ctrl-C cancels the request in flight.
func (a *app) run(fn func(ctx context.Context, c *client, cmd *cobra.Command) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		c, err := a.client()
		if err != nil {
			return err
		}
		return fn(cmd.Context(), c, cmd)
	}
}

package cli

import (
	"context"
	"net/http"
	"slices"

	"github.com/spf13/cobra"
)

// setting is one app setting as `az webapp config appsettings list` shows it.
type setting struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	SlotSetting bool   `json:"slotSetting"`
}

var settingColumns = cols("Name=name", "Value=value")

func newAppConfigCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Manage an app's settings (environment variables)"}
	cmd.AddCommand(
		appConfigCommand(a, "set", "Add or change app settings (merged into the existing ones)", "settings", func(m map[string]string, args []string) error {
			kv, err := parseKV("setting", args)
			if err != nil {
				return err
			}
			for k, v := range kv {
				m[k] = v
			}
			return nil
		}),
		appConfigCommand(a, "delete", "Delete app settings", "setting-names", func(m map[string]string, names []string) error {
			for _, n := range names {
				delete(m, n)
			}
			return nil
		}),
		appConfigCommand(a, "list", "List an app's settings", "", nil),
	)
	return cmd
}

// appConfigCommand reads the settings (POST .../appsettings/list), applies
// change to them, writes them back whole (PUT .../appsettings) and prints
// the result. list has no change and writes nothing.
func appConfigCommand(a *app, use, short, flag string, change func(map[string]string, []string) error) *cobra.Command {
	var gn groupName
	var args []string
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			// az takes `--settings A=1 B=2`: the values after the first
			// arrive as positional arguments.
			args := append(slices.Clone(args), cmd.Flags().Args()...)
			site, err := c.id(siteType, gn.group, gn.name)
			if err != nil {
				return err
			}
			var cur struct {
				Properties map[string]string `json:"properties"`
			}
			if err := c.call(ctx, http.MethodPost, site+"/config/appsettings/list", apiVersion(siteType.api), nil, &cur); err != nil {
				return err
			}
			if cur.Properties == nil {
				cur.Properties = map[string]string{}
			}
			if change != nil {
				if err := change(cur.Properties, args); err != nil {
					return err
				}
				body := map[string]any{"properties": cur.Properties}
				if err := c.call(ctx, http.MethodPut, site+"/config/appsettings", apiVersion(siteType.api), body, &cur); err != nil {
					return err
				}
			}
			return a.print(cmd.OutOrStdout(), settingsList(cur.Properties), settingColumns)
		})}
	gn.bind(cmd, true)
	if flag != "" {
		cmd.Args = cobra.ArbitraryArgs
		cmd.Flags().StringArrayVar(&args, flag, nil, "")
		cmd.MarkFlagRequired(flag)
	}
	switch flag {
	case "settings":
		cmd.Flags().Lookup(flag).Usage = "settings as KEY=VALUE (space-separated, repeatable)"
	case "setting-names":
		cmd.Flags().Lookup(flag).Usage = "names of the settings to delete"
	}
	return cmd
}

func settingsList(m map[string]string) []setting {
	out := make([]setting, 0, len(m))
	for k, v := range m {
		out = append(out, setting{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b setting) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

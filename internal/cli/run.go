package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run --app NAME -- CMD ARGS...",
		Short: "Run a command with an app's managed identity",
		RunE:  func(*cobra.Command, []string) error { return errors.New("not implemented yet") },
	}
}

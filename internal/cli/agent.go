package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func newAgentCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "agent",
		Short: "Run a host agent joined to a Lanyard server",
		RunE:  func(*cobra.Command, []string) error { return errors.New("not implemented yet") },
	}
}

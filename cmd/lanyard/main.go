// Command lanyard is Lanyard's single binary: the server (`lanyard serve`)
// and an az-shaped client for it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lanyardhq/lanyard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.NewRootCommand().ExecuteContext(ctx)
	stop()
	// `lanyard run` returns its child's exit status as an error carrying
	// ExitCode(); cli.ExitCode exits with it and prints nothing.
	os.Exit(cli.ExitCode(err, os.Stderr))
}

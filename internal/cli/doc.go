// Package cli is the `lanyard` command line: `lanyard serve` runs the server,
// every other command is an az-shaped client of the server's REST API that
// signs in once (`lanyard login`) and keeps its profile in the user's config
// directory.
package cli

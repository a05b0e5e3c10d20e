//go:build !linux

package cli

// readNoEcho is only implemented on Linux; elsewhere the password comes from
// --password-file, LANYARD_PASSWORD or a line on standard input.
func readNoEcho(int) (string, bool, error) { return "", false, nil }

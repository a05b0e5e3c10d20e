package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// credentials picks the user name and password for login. The password's
// sources, in order: --password, --password-file, LANYARD_PASSWORD, a prompt.
func credentials(cmd *cobra.Command, lf loginFlags) (user, password string, err error) {
	in := bufio.NewReader(cmd.InOrStdin())
	user = strings.TrimSpace(lf.username)
	if user == "" {
		fmt.Fprint(cmd.ErrOrStderr(), "Username: ")
		if user, err = readLine(in); err != nil {
			return "", "", fmt.Errorf("reading the user name: %w", err)
		}
		if user == "" {
			return "", "", errors.New("a user name is required (--username)")
		}
	}
	switch {
	case lf.password != "":
		return user, lf.password, nil
	case lf.passwordFile != "":
		b, err := os.ReadFile(lf.passwordFile)
		if err != nil {
			return "", "", fmt.Errorf("reading the password file: %w", err)
		}
		password, _, _ = strings.Cut(string(b), "\n")
		password = strings.TrimSuffix(password, "\r")
	default:
		if v, ok := os.LookupEnv("LANYARD_PASSWORD"); ok {
			return user, v, nil
		}
		fmt.Fprint(cmd.ErrOrStderr(), "Password: ")
		password, err = readPassword(cmd.InOrStdin(), in)
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", "", fmt.Errorf("reading the password: %w", err)
		}
	}
	if password == "" {
		return "", "", errors.New("the password is empty")
	}
	return user, password, nil
}

// readPassword reads without echo from a terminal, or a plain line from a
// pipe (so scripts can feed it on stdin).
func readPassword(raw io.Reader, buffered *bufio.Reader) (string, error) {
	if f, ok := raw.(*os.File); ok && buffered.Buffered() == 0 {
		if p, ok, err := readNoEcho(int(f.Fd())); ok {
			return p, err
		}
	}
	return readLine(buffered)
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

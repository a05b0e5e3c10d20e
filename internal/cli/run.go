package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/spf13/cobra"
)

// forwarded are the signals `lanyard run` passes on to its child; it lives
// exactly as long as the child, so it never acts on them itself.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

func newRunCommand() *cobra.Command {
	var app, socket string
	cmd := &cobra.Command{
		Use:   "run --app NAME [--socket PATH] -- CMD [ARGS...]",
		Short: "Run a command with an app's managed identity (IDENTITY_ENDPOINT, IDENTITY_HEADER, app settings)",
		Long: `Run CMD as the app NAME placed on this host: the local agent issues an
IDENTITY_HEADER valid while CMD runs, and CMD gets it with IDENTITY_ENDPOINT and the
app's settings in its environment, so Azure SDKs' ManagedIdentityCredential and
DefaultAzureCredential work unchanged. Signals are forwarded to CMD and its exit
status becomes lanyard's. The agent's socket is --socket, else $LANYARD_AGENT_SOCKET,
else ./lanyard-data/agent.sock (lanyard serve), else ./lanyard-agent/agent.sock.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := findSocket(socket, os.Getenv, fileExists)
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
			code, err := runAs(path, app, args, os.Environ(), logger)
			if err != nil {
				return err
			}
			if code != 0 {
				return exitError(code)
			}
			return nil
		},
	}
	// Everything after CMD belongs to CMD, even without "--".
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringVar(&app, "app", "", "name or resource ID of the app (Microsoft.Web/sites) placed on this host")
	cmd.Flags().StringVar(&socket, "socket", "", "the agent's session socket")
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

// exitError is a child's non-zero exit status on its way out of `lanyard
// run`. Returning it (rather than calling os.Exit in RunE) lets deferred
// cleanup run and tests see the status; main turns it into the process's.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("the command exited with status %d", int(e)) }
func (e exitError) ExitCode() int { return int(e) }

// ExitCode is what main does with the error a command returned: nil is 0;
// an error that is itself an exit status (ExitCode() int, not wrapped: a
// wrapped one was meant as an error message) exits with it silently, since
// the child already said what it had to say; anything else is printed as
// "ERROR: <message>" to stderr and is 1.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if ec, ok := err.(interface{ ExitCode() int }); ok && ec.ExitCode() > 0 {
		return ec.ExitCode()
	}
	fmt.Fprintf(stderr, "ERROR: %s\n", err)
	return 1
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// findSocket resolves the session socket in the documented order.
func findSocket(flag string, getenv func(string) string, exists func(string) bool) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if v := getenv("LANYARD_AGENT_SOCKET"); v != "" {
		return v, nil
	}
	candidates := []string{"lanyard-data/agent.sock", "lanyard-agent/agent.sock"}
	for _, c := range candidates {
		if exists(c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("no agent socket: pass --socket or set LANYARD_AGENT_SOCKET (looked for ./%s and ./%s; is 'lanyard serve' or 'lanyard agent' running here?)", candidates[0], candidates[1])
}

// runAs opens a session, runs the child with it and returns the child's
// exit status (128+N if signal N killed it).
func runAs(socketPath, app string, args, environ []string, logger *slog.Logger) (int, error) {
	sess, err := openSession(socketPath, app)
	if err != nil {
		return 0, err
	}
	defer sess.close()

	child := exec.Command(args[0], args[1:]...)
	child.Env = childEnv(environ, sess.info, logger)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := child.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", args[0], err)
	}
	exited, dropped := make(chan struct{}), sess.dropped
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = child.Process.Signal(s)
			case <-dropped:
				logger.Warn("the agent ended this process's identity session; its IDENTITY_HEADER no longer works, the process keeps running", "app", sess.info.AppName)
				dropped = nil
			case <-exited:
				return
			}
		}
	}()
	err = child.Wait()
	close(exited)
	return exitStatus(child.ProcessState, err)
}

func exitStatus(ps *os.ProcessState, waitErr error) (int, error) {
	if ps == nil {
		return 0, waitErr
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ps.ExitCode(), nil
}

// childEnv is environ, then the app settings, then IDENTITY_ENDPOINT and
// IDENTITY_HEADER, later entries replacing earlier ones of the same name.
func childEnv(environ []string, info agent.SessionInfo, logger *slog.Logger) []string {
	var order []string
	vals := map[string]string{}
	set := func(k, v string) {
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			set(k, v)
		}
	}
	for k, v := range info.AppSettings {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.Contains(v, "\x00") {
			logger.Warn("app setting skipped: its name or value cannot be an environment variable", "name", k)
			continue
		}
		set(k, v)
	}
	set("IDENTITY_ENDPOINT", info.IdentityEndpoint)
	set("IDENTITY_HEADER", info.IdentityHeader)
	// With a thumbprint set, the SDKs take IDENTITY_ENDPOINT for Service
	// Fabric's protocol instead of App Service's.
	if _, ok := vals["IDENTITY_SERVER_THUMBPRINT"]; ok {
		delete(vals, "IDENTITY_SERVER_THUMBPRINT")
		logger.Warn("IDENTITY_SERVER_THUMBPRINT removed from the environment: it would make Azure SDKs use the Service Fabric protocol")
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		if v, ok := vals[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// session is an open session connection: the header lives while it does.
type session struct {
	info    agent.SessionInfo
	body    io.ReadCloser
	cancel  context.CancelFunc
	dropped chan struct{} // closed if the agent ends the session first
}

func (s *session) close() { s.cancel(); s.body.Close() }

const sessionAnswerTimeout = 30 * time.Second

// openSession POSTs to the agent's session socket and reads the first JSON
// line. The request's context is not the command's: Ctrl-C goes to the
// child, and the session must outlive the child's handling of it.
func openSession(socketPath, app string) (*session, error) {
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(sessionAnswerTimeout, cancel)
	defer timer.Stop()
	hc := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "unix", socketPath)
		},
	}}
	body, _ := json.Marshal(agent.SessionRequest{App: app})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://agent"+agent.SessionsPath, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cannot reach the Lanyard agent at %s: %w", socketPath, err)
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	if resp.StatusCode != http.StatusOK {
		defer cancel()
		defer resp.Body.Close()
		return nil, sessionError(resp.StatusCode, br, app)
	}
	line, err := br.ReadSlice('\n')
	var info agent.SessionInfo
	if err == nil {
		err = json.Unmarshal(line, &info)
	}
	if err == nil && (info.IdentityEndpoint == "" || info.IdentityHeader == "") {
		err = errors.New("answer lacks identityEndpoint or identityHeader")
	}
	if err != nil {
		cancel()
		resp.Body.Close()
		return nil, fmt.Errorf("the agent at %s sent an unreadable session: %w", socketPath, err)
	}
	s := &session{info: info, body: resp.Body, cancel: cancel, dropped: make(chan struct{})}
	go func() {
		_, _ = io.Copy(io.Discard, br) // returns when the connection ends
		if ctx.Err() == nil {
			close(s.dropped)
		}
	}()
	return s, nil
}

// sessionError words the agent's refusal for a person at a terminal.
func sessionError(status int, r io.Reader, app string) error {
	var e struct {
		Code    string `json:"error"`
		Message string `json:"error_description"`
	}
	data, _ := io.ReadAll(io.LimitReader(r, 16<<10))
	if json.Unmarshal(data, &e) != nil || e.Message == "" {
		return fmt.Errorf("the Lanyard agent refused app '%s': status %d %s", app, status, strings.TrimSpace(string(data)))
	}
	return fmt.Errorf("the Lanyard agent refused app '%s': %s (%s)", app, e.Message, e.Code)
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/enrolment"
	"github.com/lanyardhq/lanyard/internal/loopback"
	"github.com/spf13/cobra"
)

// agentOptions are `lanyard agent`'s flags.
type agentOptions struct {
	server, joinToken, stateDir string
	imds                        bool
	imdsAddr, identityAddr      string
	socket                      string
	rateLimit                   float64
	burst, maxConcurrent        int
}

func newAgentCommand() *cobra.Command {
	var o agentOptions
	cmd := &cobra.Command{
		Use:   "agent --server URL --join-token TOKEN",
		Short: "Run the host agent: join a Lanyard server once, then serve managed-identity tokens on this host",
		Long: `Run the host agent. The first run joins the server with the one-time token that
'lanyard host create' printed (also read from $LANYARD_JOIN_TOKEN, which keeps it out of
the process list) and keeps the resulting client certificate in --state-dir; later runs
reuse that enrolment and need no token. The agent serves the App Service identity
endpoint for 'lanyard run', and with --imds the IMDS endpoint at 169.254.169.254:80
(on Linux the address is added to the loopback interface; that needs CAP_NET_ADMIN).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.joinToken == "" {
				o.joinToken = os.Getenv("LANYARD_JOIN_TOKEN")
			}
			if o.socket == "" {
				o.socket = filepath.Join(o.stateDir, "agent.sock")
			}
			return runAgent(cmd.Context(), o, slog.New(slog.NewTextHandler(os.Stderr, nil)))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "", "the Lanyard server's URL (https://HOST:PORT); needed to join")
	f.StringVar(&o.joinToken, "join-token", "", "one-time join token from 'lanyard host create' (or $LANYARD_JOIN_TOKEN)")
	f.StringVar(&o.stateDir, "state-dir", "./lanyard-agent", "directory for the enrolment (key, certificate) and the session socket")
	f.BoolVar(&o.imds, "imds", false, "also serve IMDS for this host's identities")
	f.StringVar(&o.imdsAddr, "imds-addr", "169.254.169.254:80", "address of the IMDS endpoint (with --imds)")
	f.StringVar(&o.identityAddr, "identity-addr", "127.0.0.1:42356", "loopback address of the App Service identity endpoint")
	f.StringVar(&o.socket, "socket", "", "session socket for 'lanyard run' (default <state-dir>/agent.sock)")
	f.Float64Var(&o.rateLimit, "rate-limit", 20, "token-service fetches per second for this host (Azure: 20); negative = unlimited")
	f.IntVar(&o.burst, "burst", 20, "token bucket size for --rate-limit")
	f.IntVar(&o.maxConcurrent, "max-concurrent", 5, "concurrent token-service fetches (Azure: 5); negative = unlimited")
	return cmd
}

// runAgent enrols (or reloads the enrolment), binds the endpoints, then
// runs certificate renewal and the agent's servers until ctx ends or one of
// them fails.
func runAgent(ctx context.Context, o agentOptions, logger *slog.Logger) error {
	client, err := enrol(ctx, o, logger)
	if err != nil {
		return err
	}
	imdsAddr := ""
	if o.imds {
		ap, err := netip.ParseAddrPort(o.imdsAddr)
		if err != nil {
			return fmt.Errorf("--imds-addr %q must be IP:PORT: %w", o.imdsAddr, err)
		}
		// 127/8 and ::1 are on lo already.
		if !ap.Addr().IsLoopback() {
			remove, err := loopback.AddAddress(ap.Addr())
			if err != nil {
				return err
			}
			defer func() {
				if err := remove(); err != nil {
					logger.Warn("removing the IMDS address", "err", err)
				}
			}()
		}
		imdsAddr = o.imdsAddr
	}
	a, err := agent.New(agent.Config{
		Fabric: client, HostID: client.HostID(), HostResource: client.HostID(),
		IdentityAddr: o.identityAddr, IMDSAddr: imdsAddr, SocketPath: o.socket,
		RateLimit: o.rateLimit, Burst: o.burst, MaxConcurrent: o.maxConcurrent,
		Logger: logger,
	})
	if err != nil {
		return err
	}
	logger.Info("lanyard agent running", "host", client.HostID(), "server", client.Server(),
		"identityEndpoint", a.IdentityEndpoint(), "imds", a.IMDSAddr(), "socket", o.socket,
		"certificateExpiresOn", client.ExpiresOn(), "renewAfter", client.RenewAfter())
	return runTasks(ctx, client.Run, a.Serve)
}

// enrol loads the enrolment in the state directory, or joins with the
// token when there is none.
func enrol(ctx context.Context, o agentOptions, logger *slog.Logger) (*enrolment.Client, error) {
	opts := []enrolment.Option{enrolment.WithLogger(logger)}
	client, err := enrolment.Load(o.stateDir, opts...)
	switch {
	case errors.Is(err, enrolment.ErrNotEnrolled):
		if o.joinToken == "" || o.server == "" {
			return nil, fmt.Errorf("%s holds no enrolment: pass --server and --join-token (printed by 'lanyard host create')", o.stateDir)
		}
		return enrolment.Join(ctx, o.server, o.joinToken, o.stateDir, opts...)
	case err != nil:
		return nil, err
	}
	if o.server != "" && !strings.EqualFold(strings.TrimRight(o.server, "/"), client.Server()) {
		return nil, fmt.Errorf("%s is enrolled with %s, not %s; remove that directory to join %s", o.stateDir, client.Server(), o.server, o.server)
	}
	if o.joinToken != "" {
		logger.Info("already enrolled with this server; --join-token ignored", "stateDir", o.stateDir, "host", client.HostID())
	}
	return client, nil
}

// runTasks runs each task until ctx ends or one returns; the first to
// return ends the others, and the first error is returned.
func runTasks(ctx context.Context, tasks ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Go(func() {
			errs[i] = task(ctx)
			cancel()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

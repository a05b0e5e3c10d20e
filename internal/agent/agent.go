package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Agent serves workloads on one host: the App Service endpoint, optionally
// IMDS and the session socket, with a token cache and rate limits in front
// of the server.
type Agent struct {
	cfg      Config
	cache    *cache
	limit    *limiter
	sessions *sessions

	identityLn net.Listener
	imdsLn     net.Listener // nil = no IMDS
	socketLn   net.Listener // nil = no session socket

	stopping chan struct{} // closed when Serve's context ends
}

// New validates cfg and binds the listeners, so their addresses are known
// before Serve.
func New(cfg Config) (*Agent, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Agent{
		cfg:      cfg,
		cache:    newCache(),
		limit:    newLimiter(cfg.RateLimit, cfg.Burst, cfg.MaxConcurrent, cfg.Now),
		sessions: newSessions(),
		stopping: make(chan struct{}),
	}
	if a.identityLn, err = net.Listen("tcp", cfg.IdentityAddr); err != nil {
		return nil, fmt.Errorf("agent: identity endpoint: %w", err)
	}
	if cfg.IMDSAddr != "" {
		if a.imdsLn, err = net.Listen("tcp", cfg.IMDSAddr); err != nil {
			a.closeListeners()
			return nil, fmt.Errorf("agent: IMDS endpoint: %w", err)
		}
	}
	if cfg.SocketPath != "" {
		if a.socketLn, err = listenSocket(cfg.SocketPath); err != nil {
			a.closeListeners()
			return nil, err
		}
	}
	return a, nil
}

// IdentityEndpoint is the IDENTITY_ENDPOINT for apps on this host.
func (a *Agent) IdentityEndpoint() string {
	return "http://" + a.identityLn.Addr().String() + appServicePath
}

// IMDSAddr is the bound IMDS address, "" if none.
func (a *Agent) IMDSAddr() string {
	if a.imdsLn == nil {
		return ""
	}
	return a.imdsLn.Addr().String()
}

// AppServiceHandler serves the App Service protocol (for tests and benchmarks).
func (a *Agent) AppServiceHandler() http.Handler { return http.HandlerFunc(a.serveAppService) }

// IMDSHandler serves the IMDS protocol.
func (a *Agent) IMDSHandler() http.Handler { return http.HandlerFunc(a.serveIMDS) }

// Serve serves until ctx ends, then closes the listeners and the socket
// (which revokes every socket session).
func (a *Agent) Serve(ctx context.Context) error {
	type srv struct {
		s  *http.Server
		ln net.Listener
	}
	var servers []srv
	servers = append(servers, srv{newServer(a.AppServiceHandler()), a.identityLn})
	if a.imdsLn != nil {
		servers = append(servers, srv{newServer(a.IMDSHandler()), a.imdsLn})
	}
	if a.socketLn != nil {
		s := newServer(http.HandlerFunc(a.serveSessions))
		s.IdleTimeout = 0 // a session is a long-held response
		servers = append(servers, srv{s, a.socketLn})
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.s.Serve(s.ln) }()
	}
	a.cfg.Logger.Info("agent: serving", "host", a.cfg.HostID, "identity_endpoint", a.IdentityEndpoint(), "imds", a.IMDSAddr(), "socket", a.cfg.SocketPath)

	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
	}
	close(a.stopping) // releases held session responses
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.s.Shutdown(shutCtx); err != nil {
			s.s.Close()
		}
	}
	if a.socketLn != nil {
		os.Remove(a.cfg.SocketPath)
	}
	if errors.Is(first, http.ErrServerClosed) {
		first = nil
	}
	return first
}

func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

func (a *Agent) closeListeners() {
	for _, ln := range []net.Listener{a.identityLn, a.imdsLn, a.socketLn} {
		if ln != nil {
			ln.Close()
		}
	}
}

package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/lanyardhq/lanyard/internal/access"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/directory"
	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/resources"
	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// Run serves Lanyard until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, cfg Config) error {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	slog.SetDefault(newLogger(cfg))
	srv, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv.printBanner(os.Stdout, ln.Addr().String())
	return srv.Serve(ctx, ln)
}

// Server is a composed, not yet serving Lanyard.
type Server struct {
	cfg      Config
	tenant   tenant
	closers  []func() error
	handler  http.Handler
	tls      *tls.Config
	index    *rbac.Index
	caFile   string
	identity identityParts
}

// New opens the data directory and composes every component.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg.Defaults()
	now := time.Now
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg}
	st, err := sqlite.Open(filepath.Join(cfg.DataDir, "lanyard.db"))
	if err != nil {
		return nil, fmt.Errorf("opening the embedded store: %w", err)
	}
	s.closers = append(s.closers, st.Close)
	sealer, err := seal.LoadOrCreate(filepath.Join(cfg.DataDir, "master.key"))
	if err != nil {
		s.Close()
		return nil, err
	}
	ca, err := pki.LoadOrCreateCA(cfg.DataDir)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.caFile = ca.CertFile()
	cert, err := ca.ServerCertificate(cfg.DataDir, cfg.certNames(), nil)
	if err != nil {
		s.Close()
		return nil, err
	}
	// Host agents authenticate with client certificates from the same CA;
	// everyone else presents none and authenticates with bearer tokens.
	s.tls = &tls.Config{
		MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert},
		ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.CertPool(),
	}

	if s.tenant, err = bootstrap(ctx, st, cfg.DataDir, now); err != nil {
		s.Close()
		return nil, err
	}
	keys := signing.New(st, sealer, "RS256", now)
	if err := keys.Load(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("loading signing keys: %w", err)
	}
	s.index = rbac.NewIndex(st, now)
	if err := s.index.Load(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("loading role assignments: %w", err)
	}

	base := cfg.publicBase()
	issuerURL := tokens.IssuerURL(base, s.tenant.TenantID)
	issuer := tokens.NewIssuer(keys, issuerURL, s.tenant.TenantID, now)
	verifier := tokens.NewVerifier(keys, issuerURL, now)
	dir := directory.New(st, s.index, s.index, now)
	if s.identity, err = newIdentityParts(cfg, st, ca, issuer, s.index, now); err != nil {
		s.Close()
		return nil, err
	}
	fed, err := newFederation(cfg, ca, now)
	if err != nil {
		s.Close()
		return nil, err
	}
	data, err := s.newDataRouter(cfg, st, sealer, verifier, s.index, now)
	if err != nil {
		s.Close()
		return nil, err
	}

	s.handler = routes(surface{
		info: info{
			TenantID: s.tenant.TenantID, DefaultSubscriptionID: s.tenant.SubscriptionID,
			Issuer: issuerURL, ManagementAudience: tokens.ManagementAudience, CLIClientID: tokens.CLIClientID,
		},
		tokens: tokens.NewHandler(tokens.Config{
			BaseURL: base, TenantID: s.tenant.TenantID, Issuer: issuer, Keys: keys, Auth: dir,
			UserLifetime: cfg.TokenLifetime, AppLifetime: cfg.TokenLifetime, Now: now,
			Clients: st, Federation: fed,
		}),
		directory: directory.NewHandler(dir),
		resources: resources.New(resources.Config{
			Store: st, Authz: s.index, Sync: s.index, TenantID: s.tenant.TenantID, BaseURL: base, Domain: cfg.Domain, Now: now,
		}),
		hosts:        s.identity.hosts,
		data:         data,
		access:       access.New(access.Config{Store: st, Index: s.index, Now: now, BaseURL: base}),
		requireToken: authn.Middleware(verifier, tokens.ManagementAudiences, base+"/"+s.tenant.TenantID),
		ready:        func(r *http.Request) error { return st.Ping(r.Context()) },
	})
	return s, nil
}

// Handler is the server's whole HTTP surface (for in-process tests).
func (s *Server) Handler() http.Handler { return s.handler }

// TLSConfig is the server's TLS configuration.
func (s *Server) TLSConfig() *tls.Config { return s.tls }

// TenantID is the tenant this server created on first start.
func (s *Server) TenantID() string { return s.tenant.TenantID }

// SubscriptionID is the default subscription.
func (s *Server) SubscriptionID() string { return s.tenant.SubscriptionID }

// CAFile is the path of the CA certificate clients must trust.
func (s *Server) CAFile() string { return s.caFile }

// Serve serves on ln until ctx ends; in-flight requests get 10 seconds to
// finish. The RBAC index keeps following the change feed meanwhile, so
// writes made by other replicas on a shared store are seen.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		TLSConfig:         s.tls,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	return runTasks(ctx,
		func(ctx context.Context) error {
			err := hs.ServeTLS(ln, "", "")
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return err
		},
		func(ctx context.Context) error {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return hs.Shutdown(sctx)
		},
		s.runAgent,
		func(ctx context.Context) error {
			if err := s.index.Run(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			return nil
		},
	)
}

// Close releases the store.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

package server

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// printBanner tells the operator where things are and how to sign in. It
// prints the path of the password file, never the password.
func (s *Server) printBanner(w io.Writer, listening string) {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	fmt.Fprintf(w, "Lanyard is serving on %s (listening on %s)\n", s.cfg.PublicURL, listening)
	fmt.Fprintf(w, "  tenant:               %s\n", s.tenant.TenantID)
	fmt.Fprintf(w, "  default subscription: %s\n", s.tenant.SubscriptionID)
	fmt.Fprintf(w, "  CA certificate:       %s   (trust it: SSL_CERT_FILE, or --ca-file)\n", abs(s.caFile))
	if s.tenant.Created {
		fmt.Fprintf(w, "  administrator:        %s, initial password in %s\n", s.tenant.AdminUser, abs(filepath.Join(s.cfg.DataDir, AdminPasswordFile)))
	}
	if s.cfg.IdentityAddr != IdentityAddrOff {
		fmt.Fprintf(w, "  identity endpoint:    http://%s/msi/token for apps on this machine (lanyard run --app NAME -- CMD)\n", s.cfg.IdentityAddr)
	}
	fmt.Fprintf(w, "Sign in:\n  lanyard login --server %s --ca-file %s --username %s --password-file %s\n",
		s.cfg.PublicURL, abs(s.caFile), s.tenant.AdminUser, abs(filepath.Join(s.cfg.DataDir, AdminPasswordFile)))
}

func newLogger(cfg Config) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

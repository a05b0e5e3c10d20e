package cli

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/server"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Lanyard server (token service, directory, resource manager)",
		Long: `Run the Lanyard server. Every flag can also be set through the environment as
LANYARD_<FLAG> (for example LANYARD_DATA_DIR, LANYARD_DNS_NAME=a,b); a flag on the
command line wins over the environment, which wins over the default.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := resolveServeConfig(cmd.Flags(), os.LookupEnv)
			if err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			return server.Run(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.String("data-dir", "./lanyard-data", "directory for the store, the CA and the sealed keys")
	f.String("addr", "127.0.0.1:8443", "address to listen on (host:port)")
	f.String("url", "", "public base URL clients use (default https://<addr>, with 0.0.0.0/:: as localhost)")
	f.StringArray("dns-name", nil, "extra DNS name or IP for the server certificate (repeatable)")
	f.Duration("token-lifetime", time.Hour, "lifetime of issued access tokens (5m to 24h)")
	f.Duration("mi-token-lifetime", 24*time.Hour, "lifetime of managed-identity tokens (10m to 24h; Azure's are 24h)")
	f.Duration("host-cert-lifetime", 24*time.Hour, "lifetime of host agents' client certificates (renewed at half)")
	f.String("identity-addr", server.DefaultIdentityAddr, "loopback address of the built-in agent's identity endpoint, or \"off\"")
	f.Float64("agent-rate-limit", 20, "built-in agent: token-service fetches per second (Azure: 20); negative = unlimited")
	f.Int("agent-burst", 20, "built-in agent: token bucket size for --agent-rate-limit")
	f.Int("agent-max-concurrent", 5, "built-in agent: concurrent token-service fetches (Azure: 5); negative = unlimited")
	f.StringArray("federation-ca-file", nil, "extra CA certificate (PEM) trusted for federated credentials' issuers (repeatable)")
	f.String("domain", "", "serve host-style data-plane names {account}.blob.DOMAIN and {vault}.vault.DOMAIN (path-style URLs work without it)")
	f.String("log-level", "info", "debug, info, warn or error")
	f.String("log-format", "text", "text or json")
	return cmd
}

// resolveServeConfig is the one place where flags, environment and defaults
// meet: an explicitly set flag wins, then LANYARD_<FLAG>, then the flag's
// default.
func resolveServeConfig(f *pflag.FlagSet, lookupEnv func(string) (string, bool)) (server.Config, error) {
	var errs []string
	str := func(name string) string {
		fl := f.Lookup(name)
		if fl.Changed {
			return fl.Value.String()
		}
		if v, ok := lookupEnv(envName(name)); ok {
			return v
		}
		return fl.DefValue
	}
	cfg := server.Config{
		DataDir:      str("data-dir"),
		Addr:         str("addr"),
		PublicURL:    str("url"),
		LogLevel:     str("log-level"),
		LogFormat:    str("log-format"),
		IdentityAddr: str("identity-addr"),
		Domain:       str("domain"),
	}
	list := func(name string) []string {
		if f.Changed(name) {
			v, _ := f.GetStringArray(name)
			return v
		}
		var out []string
		if v, ok := lookupEnv(envName(name)); ok {
			for n := range strings.SplitSeq(v, ",") {
				if n = strings.TrimSpace(n); n != "" {
					out = append(out, n)
				}
			}
		}
		return out
	}
	duration := func(name string) time.Duration {
		if f.Changed(name) {
			d, _ := f.GetDuration(name)
			return d
		}
		v := str(name)
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not a duration such as 1h or 30m", envName(name), v))
		}
		return d
	}
	number := func(name string) float64 {
		v := str(name)
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not a number", envName(name), v))
		}
		return n
	}
	cfg.AgentRateLimit = number("agent-rate-limit")
	cfg.AgentBurst = int(number("agent-burst"))
	cfg.AgentMaxConcurrent = int(number("agent-max-concurrent"))
	cfg.DNSNames = list("dns-name")
	cfg.FederationCAFiles = list("federation-ca-file")
	cfg.TokenLifetime = duration("token-lifetime")
	cfg.ManagedIdentityTokenLifetime = duration("mi-token-lifetime")
	cfg.HostCertLifetime = duration("host-cert-lifetime")
	if cfg.PublicURL == "" {
		cfg.PublicURL = publicURLFor(cfg.Addr)
	}
	if len(errs) > 0 {
		return cfg, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return cfg, nil
}

// envName maps a flag to its variable: data-dir → LANYARD_DATA_DIR.
func envName(flag string) string {
	return "LANYARD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// publicURLFor derives the URL clients reach addr at. A wildcard host becomes
// localhost: clients cannot connect to 0.0.0.0 and no certificate names it.
func publicURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "https://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "https://" + net.JoinHostPort(host, port)
}

package server

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/hosts"
	"github.com/lanyardhq/lanyard/internal/msi"
	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// AgentSocket is the built-in agent's session socket inside the data
// directory; `lanyard run` looks for it there by default.
const AgentSocket = "agent.sock"

// identityParts are the managed-identity components: token issuance for
// hosts (msi), host enrolment (hosts) and the agent built into serve.
type identityParts struct {
	msi   *msi.Service
	hosts *hosts.Handler
}

func newIdentityParts(cfg Config, st store.Store, ca *pki.CA, issuer *tokens.Issuer, authz rbac.Authorizer, now func() time.Time) (identityParts, error) {
	m, err := msi.New(msi.Config{Store: st, Issuer: issuer, Lifetime: cfg.ManagedIdentityTokenLifetime, Now: now})
	if err != nil {
		return identityParts{}, err
	}
	hs, err := hosts.New(hosts.Config{
		Store: st, CA: ca, Authz: authz, Fabric: m.For,
		CertLifetime: cfg.HostCertLifetime, Now: now,
	})
	if err != nil {
		return identityParts{}, err
	}
	return identityParts{msi: m, hosts: hosts.NewHandler(hs)}, nil
}

// runAgent serves the built-in agent for this machine (fabric.LocalHost:
// apps placed on no host) until ctx ends. It calls the token service in
// process, so it needs no enrolment.
func (s *Server) runAgent(ctx context.Context) error {
	if s.cfg.IdentityAddr == IdentityAddrOff {
		// runTasks ends the server when any task returns: stay until
		// shutdown like the others.
		<-ctx.Done()
		return nil
	}
	a, err := agent.New(agent.Config{
		Fabric:       s.identity.msi.For(fabric.LocalHost),
		HostID:       fabric.LocalHost,
		IdentityAddr: s.cfg.IdentityAddr,
		SocketPath:   filepath.Join(s.cfg.DataDir, AgentSocket),
		RateLimit:    s.cfg.AgentRateLimit, Burst: s.cfg.AgentBurst, MaxConcurrent: s.cfg.AgentMaxConcurrent,
	})
	if err != nil {
		return err
	}
	return a.Serve(ctx)
}

// newFederation trusts the system roots, Lanyard's own CA (so a managed
// identity's Lanyard token can be another app's federated credential) and
// the operator's extra CA files.
func newFederation(cfg Config, ca *pki.CA, now func() time.Time) (*federation.Fetcher, error) {
	roots := []*x509.Certificate{ca.Certificate()}
	for _, f := range cfg.FederationCAFiles {
		pemBytes, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("federation CA file: %w", err)
		}
		n := 0
		for block, rest := pem.Decode(pemBytes); block != nil; block, rest = pem.Decode(rest) {
			if block.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("federation CA file %s: %w", f, err)
			}
			roots, n = append(roots, c), n+1
		}
		if n == 0 {
			return nil, fmt.Errorf("federation CA file %s holds no PEM certificate", f)
		}
	}
	return federation.New(federation.Config{ExtraRoots: roots, Now: now})
}

package cli

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/server"
)

func TestResolveServeConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    server.Config
		wantErr string
	}{
		{name: "defaults", want: server.Config{DataDir: "./lanyard-data", Addr: "127.0.0.1:8443", PublicURL: "https://127.0.0.1:8443",
			TokenLifetime: time.Hour, ManagedIdentityTokenLifetime: 24 * time.Hour, HostCertLifetime: 24 * time.Hour, IdentityAddr: server.DefaultIdentityAddr, AgentRateLimit: 20, AgentBurst: 20, AgentMaxConcurrent: 5, LogLevel: "info", LogFormat: "text"}},
		{name: "env", env: map[string]string{"LANYARD_ADDR": "0.0.0.0:9443", "LANYARD_DNS_NAME": "a.example, b.example", "LANYARD_TOKEN_LIFETIME": "2h", "LANYARD_LOG_FORMAT": "json"},
			want: server.Config{DataDir: "./lanyard-data", Addr: "0.0.0.0:9443", PublicURL: "https://localhost:9443", DNSNames: []string{"a.example", "b.example"},
				TokenLifetime: 2 * time.Hour, ManagedIdentityTokenLifetime: 24 * time.Hour, HostCertLifetime: 24 * time.Hour, IdentityAddr: server.DefaultIdentityAddr, AgentRateLimit: 20, AgentBurst: 20, AgentMaxConcurrent: 5, LogLevel: "info", LogFormat: "json"}},
		{name: "flags beat env", args: []string{"--addr", "[::]:7000", "--dns-name", "c", "--dns-name", "d", "--token-lifetime", "30m", "--url", "https://id.example"},
			env: map[string]string{"LANYARD_ADDR": "0.0.0.0:9443", "LANYARD_DNS_NAME": "a", "LANYARD_TOKEN_LIFETIME": "2h", "LANYARD_URL": "https://other"},
			want: server.Config{DataDir: "./lanyard-data", Addr: "[::]:7000", PublicURL: "https://id.example", DNSNames: []string{"c", "d"},
				TokenLifetime: 30 * time.Minute, ManagedIdentityTokenLifetime: 24 * time.Hour, HostCertLifetime: 24 * time.Hour, IdentityAddr: server.DefaultIdentityAddr, AgentRateLimit: 20, AgentBurst: 20, AgentMaxConcurrent: 5, LogLevel: "info", LogFormat: "text"}},
		{name: "wildcard v6", args: []string{"--addr", "[::]:7000"}, want: server.Config{DataDir: "./lanyard-data", Addr: "[::]:7000",
			PublicURL: "https://localhost:7000", TokenLifetime: time.Hour, ManagedIdentityTokenLifetime: 24 * time.Hour, HostCertLifetime: 24 * time.Hour, IdentityAddr: server.DefaultIdentityAddr, AgentRateLimit: 20, AgentBurst: 20, AgentMaxConcurrent: 5, LogLevel: "info", LogFormat: "text"}},
		{name: "bad env duration", env: map[string]string{"LANYARD_TOKEN_LIFETIME": "forever"}, wantErr: "LANYARD_TOKEN_LIFETIME"},
		{name: "bad env number", env: map[string]string{"LANYARD_AGENT_RATE_LIMIT": "lots"}, wantErr: "LANYARD_AGENT_RATE_LIMIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newServeCommand()
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			got, err := resolveServeConfig(cmd.Flags(), func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

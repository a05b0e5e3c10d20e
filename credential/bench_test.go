package credential_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/credential"
)

// Time to first token from a fresh default credential, ours and
// azidentity's, in the same run. Every iteration asks for a new audience so
// neither library's cache (azidentity's managed-identity cache is
// process-wide) answers.
//
//	go test ./credential -run '^$' -bench FirstToken -benchtime 20x

// BenchmarkFirstTokenAppService: production-like, the App Service
// variables point at the real agent, as under `lanyard run --app`.
func BenchmarkFirstTokenAppService(b *testing.B) {
	cleanEnv(b)
	s := startServer(b)
	s.run(b, "group", "create", "-n", "mi")
	s.run(b, "app", "create", "-g", "mi", "-n", "web")
	s.run(b, "app", "identity", "assign", "-g", "mi", "-n", "web", "--system-assigned")
	s.session(b, "web")
	ctx := b.Context()
	b.Run("credential", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			d, err := credential.NewDefaultCredential(nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.GetToken(ctx, scope(fmt.Sprintf("api://bench-ours-%d", i))); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("azidentity", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			d, err := azidentity.NewDefaultAzureCredential(nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.GetToken(ctx, scope(fmt.Sprintf("api://bench-azid-%d", i))); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFirstTokenDeveloper: a laptop with no identity endpoint and no
// IMDS, signed in to az (a stand-in script on PATH). "blackhole" is a
// network that drops packets to 169.254.169.254 (the connect hangs until
// the probe's timeout); "refused" is one that refuses at once.
func BenchmarkFirstTokenDeveloper(b *testing.B) {
	for _, network := range []string{"blackhole", "refused"} {
		b.Run(network, func(b *testing.B) {
			cleanEnv(b)
			fakeAzB(b, `{"accessToken":"dev","expires_on":4102444800}`)
			dial := imdsDialer(b, network)
			b.Cleanup(credential.SetIMDS("169.254.169.254:80", func(ctx context.Context, addr string) (net.Conn, error) {
				return dial(ctx, "tcp", addr)
			}))
			azOpts := &azidentity.DefaultAzureCredentialOptions{ClientOptions: azcore.ClientOptions{
				Transport: &http.Client{Transport: &http.Transport{DialContext: dial}},
			}}
			ctx := b.Context()
			b.Run("credential", func(b *testing.B) {
				for b.Loop() {
					d, err := credential.NewDefaultCredential(nil)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := d.GetToken(ctx, scope("https://storage.azure.com")); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("azidentity", func(b *testing.B) {
				for b.Loop() {
					d, err := azidentity.NewDefaultAzureCredential(azOpts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := d.GetToken(ctx, scope("https://storage.azure.com")); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// imdsDialer dials normally except for IMDS, which either hangs until the
// caller's deadline or is refused by a closed loopback port.
func imdsDialer(b *testing.B, network string) func(ctx context.Context, n, addr string) (net.Conn, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	return func(ctx context.Context, n, addr string) (net.Conn, error) {
		if addr == "169.254.169.254:80" {
			if network == "blackhole" {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			addr = closed
		}
		return (&net.Dialer{}).DialContext(ctx, n, addr)
	}
}

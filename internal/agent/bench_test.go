package agent

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// The benchmarks measure real HTTP over loopback with keep-alive, next to
// a hello-world handler on the same machine as the ceiling.

func benchHTTP(b *testing.B, url string, hdr http.Header) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4 * runtime.GOMAXPROCS(0)}}
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = hdr
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("warm-up: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(req.Clone(req.Context()))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

func BenchmarkHelloWorld(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hello, world\n"))
	}))
	defer srv.Close()
	benchHTTP(b, srv.URL, http.Header{})
}

func BenchmarkAppServiceCached(b *testing.B) {
	env := startAgent(b, func(c *Config) { c.Now = time.Now; c.MaxStale = time.Hour })
	env.fab.now = time.Now
	benchHTTP(b, env.agent.IdentityEndpoint()+"?api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com",
		http.Header{"X-Identity-Header": {env.header}})
}

func BenchmarkIMDSCached(b *testing.B) {
	env := startAgent(b, func(c *Config) { c.Now = time.Now; c.MaxStale = time.Hour })
	env.fab.now = time.Now
	benchHTTP(b, "http://"+env.agent.IMDSAddr()+imdsPath+"?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com",
		http.Header{"Metadata": {"true"}})
}

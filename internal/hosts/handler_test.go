package hosts

import (
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

func TestCADownload(t *testing.T) {
	e := newEnv(t)
	resp, err := e.client(nil).Get(e.srv.URL + fabric.PathCA)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	block, _ := pem.Decode(b)
	if resp.StatusCode != 200 || block == nil || string(block.Bytes) != string(e.ca.Certificate().Raw) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

func TestFabricBadInput(t *testing.T) {
	e := newEnv(t)
	cert, _ := e.join(e.joinToken(vmA))
	cases := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"unknown field", fabric.PathToken, `{"resource":"x","audiance":"y"}`, 400, "invalid_request"},
		{"not JSON", fabric.PathToken, `resource=x`, 400, "invalid_request"},
		{"trailing data", fabric.PathApp, `{"app":"a"}{"app":"b"}`, 400, "invalid_request"},
		{"wrong type", fabric.PathApp, `{"app":1}`, 400, "invalid_request"},
		{"too large", fabric.PathApp, `{"app":"` + strings.Repeat("a", maxBody) + `"}`, 413, "invalid_request"},
		{"join unknown field", fabric.PathJoin, `{"joinToken":"x","csr":"y","hostId":"z"}`, 400, "invalid_request"},
		{"fabric error passes through", fabric.PathApp, `{"app":"missing"}`, 404, "resource_not_found"},
		{"other error is a 500", fabric.PathApp, `{"app":"boom"}`, 500, "server_error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.post(&cert, c.path, c.body)
			if code != c.status || !strings.Contains(string(body), `"error":"`+c.code+`"`) {
				t.Fatalf("%d %s", code, body)
			}
			if strings.Contains(string(body), "secret/path") {
				t.Fatalf("cause leaked: %s", body)
			}
		})
	}
	// Wrong methods are not routed to the handlers.
	resp, err := e.client(&cert).Get(e.srv.URL + fabric.PathToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET token: %d", resp.StatusCode)
	}
}

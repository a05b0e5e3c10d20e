package agent

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The fuzz targets drive the handlers in process (no network, so many
// inputs per second) with an arbitrary query and header.

func FuzzAppServiceQuery(f *testing.F) {
	for _, s := range []string{
		"api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com%2F.default",
		"api-version=2019-08-01&resource=x&client_id=a&object_id=b",
		"resource=%zz", "a=1;b=2", "&&&=&", "resource=/.default", "principal_id=" + uaiOID,
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	env := startAgent(f, nil)
	h := env.agent.AppServiceHandler()
	f.Fuzz(func(t *testing.T, query string, withHeader bool) {
		r := httptest.NewRequest("GET", "/msi/token", nil)
		r.URL.RawQuery = query
		header := strings.Repeat("A", headerLen)
		if withHeader {
			header = env.header
		}
		r.Header.Set("X-IDENTITY-HEADER", header)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		checkFuzzResponse(t, w, withHeader)
	})
}

func FuzzIMDSQuery(f *testing.F) {
	for _, s := range []string{
		"api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net",
		"api-version=2018-02-01&resource=x&msi_res_id=%2Fsubscriptions%2Fs",
		"api-version=2018-02-01&api-version=2018-02-01", "resource=%", "", ";",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	env := startAgent(f, nil)
	h := env.agent.IMDSHandler()
	f.Fuzz(func(t *testing.T, query string, withHeader bool) {
		r := httptest.NewRequest("GET", imdsPath, nil)
		r.URL.RawQuery = query
		if withHeader {
			r.Header.Set("Metadata", "true")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		checkFuzzResponse(t, w, withHeader)
	})
}

func checkFuzzResponse(t *testing.T, w *httptest.ResponseRecorder, authorised bool) {
	t.Helper()
	body := w.Body.String()
	switch {
	case w.Code >= 500:
		t.Fatalf("%d for client input: %s", w.Code, body)
	case w.Code == http.StatusOK && !authorised:
		t.Fatalf("token without a valid header: %s", body)
	case w.Code != http.StatusOK && strings.Contains(body, "access_token"):
		t.Fatalf("error carries a token: %s", body)
	case w.Code == http.StatusNotFound || w.Code == http.StatusGone:
		t.Fatalf("%d would make the SDK retry: %s", w.Code, body)
	}
}

package arm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func testRouter() *Router {
	rt := NewRouter()
	echo := func(w http.ResponseWriter, r *Request) {
		var body map[string]any
		if r.Method == http.MethodPut {
			if err := DecodeBody(w, r.Request, &body); err != nil {
				WriteError(w, r.Request, err)
				return
			}
		}
		WriteJSON(w, http.StatusOK, map[string]any{"id": r.ID.String(), "type": r.Type, "action": r.Action})
	}
	v := []string{"2023-01-31"}
	rt.Handle(http.MethodGet, "Microsoft.Web/sites", v, echo)
	rt.Handle(http.MethodPut, "Microsoft.Web/sites", v, echo)
	rt.HandleCollection(http.MethodGet, "Microsoft.Web/sites", v, echo)
	rt.HandleAction("Microsoft.Web/sites/config", "list", v, echo)
	return rt
}

func TestRouter(t *testing.T) {
	const site = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app"
	big := `{"x":"` + strings.Repeat("a", MaxBody) + `"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		code, id, typ, action    string
	}{
		{"item", "GET", site + "?api-version=2023-01-31", "", 200, "", site, "Microsoft.Web/sites", ""},
		{"keywords any case", "GET", "/SUBSCRIPTIONS/s/RESOURCEGROUPS/g/PROVIDERS/microsoft.web/SITES/app?api-version=2023-01-31", "", 200, "", "/subscriptions/s/resourceGroups/g/providers/microsoft.web/SITES/app", "Microsoft.Web/sites", ""},
		{"collection", "GET", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites?api-version=2023-01-31", "", 200, "", "/subscriptions/s/resourceGroups/g", "Microsoft.Web/sites", ""},
		{"action", "POST", site + "/config/appsettings/list?api-version=2023-01-31", "", 200, "", site + "/config/appsettings", "Microsoft.Web/sites/config", "list"},
		{"missing api-version", "GET", site, "", 400, "MissingApiVersionParameter", "", "", ""},
		{"malformed api-version", "GET", site + "?api-version=latest", "", 400, "InvalidApiVersionParameter", "", "", ""},
		{"unsupported api-version", "GET", site + "?api-version=2015-01-01", "", 400, "NoRegisteredProviderFound", "", "", ""},
		{"unknown type", "GET", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Nope/things/x?api-version=2023-01-31", "", 400, "InvalidResourceType", "", "", ""},
		{"method not allowed", "DELETE", site + "?api-version=2023-01-31", "", 405, "MethodNotAllowed", "", "", ""},
		{"malformed path", "GET", "/subscriptions/s/resourceGroups/g/sites/app?api-version=2023-01-31", "", 400, "InvalidResourceId", "", "", ""},
		{"dot-dot name", "GET", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/..?api-version=2023-01-31", "", 400, "InvalidResourceId", "", "", ""},
		{"malformed body", "PUT", site + "?api-version=2023-01-31", `{"location":`, 400, "InvalidRequestContent", "", "", ""},
		{"empty body", "PUT", site + "?api-version=2023-01-31", "", 400, "InvalidRequestContent", "", "", ""},
		{"oversized body", "PUT", site + "?api-version=2023-01-31", big, 413, "RequestEntityTooLarge", "", "", ""},
	}
	rt := testRouter()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
			var body struct {
				Error            struct{ Code, Message string } `json:"error"`
				ID, Type, Action string
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			if c.code != "" {
				if body.Error.Code != c.code || body.Error.Message == "" {
					t.Fatalf("error %+v, want code %s", body.Error, c.code)
				}
				return
			}
			if body.ID != c.id || body.Type != c.typ || body.Action != c.action {
				t.Fatalf("routed to %q %q %q, want %q %q %q", body.ID, body.Type, body.Action, c.id, c.typ, c.action)
			}
		})
	}
}

func TestWriteErrorHidesCauses(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/", nil), &Error{Status: 500, Code: "InternalServerError", Message: "failed", Err: errSecret})
	if strings.Contains(rec.Body.String(), "hunter2") {
		t.Fatal("a cause reached the client")
	}
	rec = httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/", nil), errSecret)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "hunter2") {
		t.Fatalf("plain error: %d %s", rec.Code, rec.Body)
	}
}

type secretErr struct{}

func (secretErr) Error() string { return "db password hunter2 rejected" }

var errSecret error = secretErr{}

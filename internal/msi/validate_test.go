package msi

import (
	"context"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/scope"
)

func TestTokenBadInput(t *testing.T) {
	e := newEnv(t, "ES256")
	w := newWorld(t, e)
	site := w.siteA.ID
	guid := w.uai1.ClientID
	tests := []struct {
		name string
		req  fabric.TokenRequest
		code string
	}{
		{"empty resource", fabric.TokenRequest{Audience: storage}, fabric.CodeInvalidRequest},
		{"relative resource", fabric.TokenRequest{Resource: "site-a", Audience: storage}, fabric.CodeInvalidRequest},
		{"resource group", fabric.TokenRequest{Resource: rgPrefix + "apps", Audience: storage}, fabric.CodeInvalidRequest},
		{"identity resource", fabric.TokenRequest{Resource: w.uai1Res.ID, Audience: storage}, fabric.CodeInvalidRequest},
		{"child of a site", fabric.TokenRequest{Resource: site + "/config/appsettings", Audience: storage}, fabric.CodeInvalidRequest},
		{"storage account", fabric.TokenRequest{Resource: rgPrefix + "apps/providers/Microsoft.Storage/storageAccounts/x", Audience: storage}, fabric.CodeInvalidRequest},
		{"path traversal", fabric.TokenRequest{Resource: site + "/../../x", Audience: storage}, fabric.CodeInvalidRequest},
		{"very long resource", fabric.TokenRequest{Resource: site + strings.Repeat("a", 5000), Audience: storage}, fabric.CodeInvalidRequest},

		{"empty audience", fabric.TokenRequest{Resource: site}, fabric.CodeInvalidResource},
		{"audience without scheme", fabric.TokenRequest{Resource: site, Audience: "storage.azure.com"}, fabric.CodeInvalidResource},
		{"audience scheme only", fabric.TokenRequest{Resource: site, Audience: "https://"}, fabric.CodeInvalidResource},
		{"audience bad scheme", fabric.TokenRequest{Resource: site, Audience: "1http://x"}, fabric.CodeInvalidResource},
		{"audience with space", fabric.TokenRequest{Resource: site, Audience: "https://a b"}, fabric.CodeInvalidResource},
		{"audience with newline", fabric.TokenRequest{Resource: site, Audience: "https://a\nb"}, fabric.CodeInvalidResource},
		{"audience with NUL", fabric.TokenRequest{Resource: site, Audience: "https://a\x00"}, fabric.CodeInvalidResource},
		{"audience with quote", fabric.TokenRequest{Resource: site, Audience: `https://a"b`}, fabric.CodeInvalidResource},
		{"audience too long", fabric.TokenRequest{Resource: site, Audience: "https://" + strings.Repeat("a", 505)}, fabric.CodeInvalidResource},
		{"audience braced GUID", fabric.TokenRequest{Resource: site, Audience: "{" + guid + "}"}, fabric.CodeInvalidResource},

		{"two selectors", fabric.TokenRequest{Resource: site, Audience: storage, ClientID: guid, ObjectID: w.uai1.ID}, fabric.CodeInvalidRequest},
		{"three selectors", fabric.TokenRequest{Resource: site, Audience: storage, ClientID: guid, ObjectID: w.uai1.ID, MIResourceID: w.uai1Res.ID}, fabric.CodeInvalidRequest},
		{"client_id not a GUID", fabric.TokenRequest{Resource: site, Audience: storage, ClientID: "uai1"}, fabric.CodeInvalidRequest},
		{"client_id GUID with junk", fabric.TokenRequest{Resource: site, Audience: storage, ClientID: guid + "x"}, fabric.CodeInvalidRequest},
		{"object_id not a GUID", fabric.TokenRequest{Resource: site, Audience: storage, ObjectID: "' OR 1=1 --"}, fabric.CodeInvalidRequest},
		{"object_id non-hex", fabric.TokenRequest{Resource: site, Audience: storage, ObjectID: "g0000000-0000-4000-8000-000000000000"}, fabric.CodeInvalidRequest},
		{"mi_res_id not an ID", fabric.TokenRequest{Resource: site, Audience: storage, MIResourceID: "uai1"}, fabric.CodeInvalidRequest},
		{"mi_res_id of a site", fabric.TokenRequest{Resource: site, Audience: storage, MIResourceID: w.siteB.ID}, fabric.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := e.svc.For(w.vm1.ID).Token(context.Background(), tt.req)
			if code := codeOf(err); code != tt.code || tok.AccessToken != "" {
				t.Fatalf("got code %q (err %v), want %q", code, err, tt.code)
			}
			if st := fabric.StatusFor(codeOf(err)); st != 400 {
				t.Errorf("status %d, want 400", st)
			}
			if strings.ContainsAny(err.Error(), "\n\x00") {
				t.Errorf("message echoes control characters: %q", err.Error())
			}
		})
	}
	if n := e.svc.cache.len(); n != 0 {
		t.Errorf("bad requests left %d cached tokens", n)
	}
}

func TestValidAudience(t *testing.T) {
	for _, a := range []string{storage, storage + "/", "https://management.azure.com/", "api://my-api", "api://11111111-2222-4333-8444-555555555555",
		"11111111-2222-4333-8444-555555555555", "AAAAAAAA-2222-4333-8444-555555555555", "https://vault.azure.net", "git+ssh://x", "https://" + strings.Repeat("a", 504)} {
		if !validAudience(a) {
			t.Errorf("validAudience(%q) = false, want true", a)
		}
	}
}

// FuzzCheckRequest: the validator never panics, and whatever it accepts is
// safe to put in a token and to look up: an audience without control
// characters or quotes, GUID selectors in lower case, an app or VM ID.
func FuzzCheckRequest(f *testing.F) {
	site := rgPrefix + "apps/providers/Microsoft.Web/sites/a"
	f.Add(site, storage, "", "", "")
	f.Add(site, "api://x", "11111111-2222-4333-8444-555555555555", "", "")
	f.Add(site, "11111111-2222-4333-8444-555555555555", "", "", rgPrefix+"ids/providers/"+typeUAI+"/u")
	f.Add("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v", "https://a\x00", "", "x", "")
	f.Fuzz(func(t *testing.T, res, aud, cid, oid, mi string) {
		id, sel, ferr := checkRequest(fabric.TokenRequest{Resource: res, Audience: aud, ClientID: cid, ObjectID: oid, MIResourceID: mi})
		if ferr != nil {
			if ferr.Code != fabric.CodeInvalidRequest && ferr.Code != fabric.CodeInvalidResource {
				t.Fatalf("code %q", ferr.Code)
			}
			if strings.ContainsAny(ferr.Message, "\r\n\x00") {
				t.Fatalf("message echoes control characters: %q", ferr.Message)
			}
			return
		}
		if len(id.Segments) != 1 || id.ResourceGroup == "" {
			t.Fatalf("accepted owner %q", res)
		}
		if len(aud) > maxAudience || strings.ContainsAny(aud, " \t\r\n\x00\"\\") {
			t.Fatalf("accepted audience %q", aud)
		}
		if sel.clientID != "" && (!scope.IsGUID(sel.clientID) || sel.clientID != strings.ToLower(sel.clientID)) {
			t.Fatalf("selector %+v", sel)
		}
		n := 0
		for _, v := range []string{sel.clientID, sel.objectID, sel.miKey} {
			if v != "" {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("several selectors accepted: %+v", sel)
		}
	})
}

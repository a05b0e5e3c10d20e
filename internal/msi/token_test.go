package msi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

const storage = "https://storage.azure.com"

// world is two VMs, apps placed on them or on none, and identities.
type world struct {
	vm1, vm2, siteA, siteB, siteLocal, siteNoSys, siteDis store.Resource
	sysVM1, sysA, sysB, sysLocal, sysDis                  store.Principal
	uai1, uai2, uaiDis                                    store.Principal
	uai1Res, uai2Res, uaiDisRes                           store.Resource
	sp                                                    store.Principal
}

func newWorld(t testing.TB, e *env) *world {
	w := &world{}
	w.vm1, w.sysVM1 = e.resource(t, typeVM, "hosts", "vm1", "", true)
	w.vm2, _ = e.resource(t, typeVM, "hosts", "vm2", "", false)
	w.siteA, w.sysA = e.resource(t, typeSites, "apps", "site-a", w.vm1.ID, true)
	w.siteB, w.sysB = e.resource(t, typeSites, "apps", "site-b", w.vm2.ID, true)
	w.siteLocal, w.sysLocal = e.resource(t, typeSites, "apps", "site-local", "", true)
	w.siteNoSys, _ = e.resource(t, typeSites, "apps", "site-nosys", w.vm1.ID, false)
	w.siteDis, w.sysDis = e.resource(t, typeSites, "apps", "site-dis", w.vm1.ID, true)
	e.disable(t, w.sysDis.ID)
	w.uai1Res, w.uai1 = e.resource(t, typeUAI, "ids", "uai1", "", false)
	w.uai2Res, w.uai2 = e.resource(t, typeUAI, "ids", "uai2", "", false)
	w.uaiDisRes, w.uaiDis = e.resource(t, typeUAI, "ids", "uai-dis", "", false)
	e.disable(t, w.uaiDis.ID)
	e.attach(t, w.siteA.ID, w.uai1Res.ID)
	e.attach(t, w.siteA.ID, w.uaiDisRes.ID)
	e.attach(t, w.siteNoSys.ID, w.uai1Res.ID)
	e.attach(t, w.siteB.ID, w.uai2Res.ID)
	w.sp = store.Principal{ID: e.guid(), ClientID: e.guid(), Kind: store.KindServicePrincipal, DisplayName: "build-bot"}
	e.update(t, func(ctx context.Context, tx store.Tx) error { return tx.CreatePrincipal(ctx, w.sp) })
	return w
}

func codeOf(err error) string {
	var fe *fabric.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

func TestTokenIdentities(t *testing.T) {
	e := newEnv(t, "RS256")
	w := newWorld(t, e)
	missing := rgPrefix + "apps/providers/Microsoft.Web/sites/nope"
	tests := []struct {
		name string
		host string
		req  fabric.TokenRequest
		want *store.Principal
		code string
	}{
		{"system-assigned", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID}, &w.sysA, ""},
		{"resource ID in other case", w.vm1.ID, fabric.TokenRequest{Resource: strings.ToUpper(w.siteA.ID)}, &w.sysA, ""},
		{"host ID in other case", strings.ToLower(w.vm1.ID), fabric.TokenRequest{Resource: w.siteA.ID}, &w.sysA, ""},
		{"user-assigned by client_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: strings.ToUpper(w.uai1.ClientID)}, &w.uai1, ""},
		{"user-assigned by object_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ObjectID: w.uai1.ID}, &w.uai1, ""},
		{"user-assigned by mi_res_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, MIResourceID: strings.ToLower(w.uai1Res.ID)}, &w.uai1, ""},
		{"system-assigned by own client_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: w.sysA.ClientID}, &w.sysA, ""},
		{"system-assigned by own object_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ObjectID: w.sysA.ID}, &w.sysA, ""},
		{"user-assigned on app without system identity", w.vm1.ID, fabric.TokenRequest{Resource: w.siteNoSys.ID, ClientID: w.uai1.ClientID}, &w.uai1, ""},
		{"unplaced app from the local host", fabric.LocalHost, fabric.TokenRequest{Resource: w.siteLocal.ID}, &w.sysLocal, ""},
		{"VM for itself from its host", w.vm1.ID, fabric.TokenRequest{Resource: w.vm1.ID}, &w.sysVM1, ""},

		{"no system identity", w.vm1.ID, fabric.TokenRequest{Resource: w.siteNoSys.ID}, nil, fabric.CodeIdentityNotFound},
		{"VM without system identity", w.vm2.ID, fabric.TokenRequest{Resource: w.vm2.ID}, nil, fabric.CodeIdentityNotFound},
		{"user-assigned not attached", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: w.uai2.ClientID}, nil, fabric.CodeIdentityNotFound},
		{"mi_res_id not attached", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, MIResourceID: w.uai2Res.ID}, nil, fabric.CodeIdentityNotFound},
		{"mi_res_id unknown", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, MIResourceID: rgPrefix + "ids/providers/" + typeUAI + "/ghost"}, nil, fabric.CodeIdentityNotFound},
		{"client_id unknown", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: "99999999-0000-4000-8000-000000000000"}, nil, fabric.CodeIdentityNotFound},
		{"another app's system identity by client_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: w.sysB.ClientID}, nil, fabric.CodeIdentityNotFound},
		{"another app's system identity by object_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ObjectID: w.sysLocal.ID}, nil, fabric.CodeIdentityNotFound},
		{"the host VM's identity from an app", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ObjectID: w.sysVM1.ID}, nil, fabric.CodeIdentityNotFound},
		{"service principal by client_id", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ClientID: w.sp.ClientID}, nil, fabric.CodeIdentityNotFound},
		{"disabled user-assigned", w.vm1.ID, fabric.TokenRequest{Resource: w.siteA.ID, ObjectID: w.uaiDis.ID}, nil, fabric.CodeIdentityNotFound},
		{"disabled system-assigned", w.vm1.ID, fabric.TokenRequest{Resource: w.siteDis.ID}, nil, fabric.CodeIdentityNotFound},

		{"other host's app", w.vm1.ID, fabric.TokenRequest{Resource: w.siteB.ID}, nil, fabric.CodeResourceNotFound},
		{"other host's app, attached identity", w.vm1.ID, fabric.TokenRequest{Resource: w.siteB.ID, ClientID: w.uai2.ClientID}, nil, fabric.CodeResourceNotFound},
		{"missing app", w.vm1.ID, fabric.TokenRequest{Resource: missing}, nil, fabric.CodeResourceNotFound},
		{"unplaced app from a VM", w.vm1.ID, fabric.TokenRequest{Resource: w.siteLocal.ID}, nil, fabric.CodeResourceNotFound},
		{"placed app from the local host", fabric.LocalHost, fabric.TokenRequest{Resource: w.siteA.ID}, nil, fabric.CodeResourceNotFound},
		{"VM from another host", w.vm2.ID, fabric.TokenRequest{Resource: w.vm1.ID}, nil, fabric.CodeResourceNotFound},
		{"VM from the local host", fabric.LocalHost, fabric.TokenRequest{Resource: w.vm1.ID}, nil, fabric.CodeResourceNotFound},
		{"empty host ID", "", fabric.TokenRequest{Resource: w.siteLocal.ID}, nil, fabric.CodeResourceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.Audience == "" {
				tt.req.Audience = storage
			}
			tok, err := e.svc.For(tt.host).Token(context.Background(), tt.req)
			if tt.want == nil {
				if code := codeOf(err); code != tt.code || tok.AccessToken != "" {
					t.Fatalf("got code %q (err %v, token %t), want %q", code, err, tok.AccessToken != "", tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e.verify(t, tok, *tt.want, storage)
		})
	}
}

// A host cannot tell a missing resource from one placed elsewhere.
func TestTokenNoExistenceLeak(t *testing.T) {
	e := newEnv(t, "ES256")
	w := newWorld(t, e)
	ctx := context.Background()
	fa := e.svc.For(w.vm1.ID)
	_, errOther := fa.Token(ctx, fabric.TokenRequest{Resource: w.siteB.ID, Audience: storage})
	ghost := strings.Replace(w.siteB.ID, "site-b", "site-x", 1)
	_, errMissing := fa.Token(ctx, fabric.TokenRequest{Resource: ghost, Audience: storage})
	a, b := errOther.Error(), strings.ReplaceAll(errMissing.Error(), "site-x", "site-b")
	if a != b {
		t.Errorf("placed elsewhere: %q\nmissing: %q", a, b)
	}
}

// A store failure is a server error whose text hides the cause (logged).
func TestTokenStoreFailure(t *testing.T) {
	e := newEnv(t, "ES256")
	w := newWorld(t, e)
	e.st.Close()
	f := e.svc.For(w.vm1.ID)
	_, err := f.Token(context.Background(), fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage})
	if codeOf(err) != fabric.CodeServerError || strings.Contains(strings.ToLower(err.Error()), "sql") {
		t.Errorf("token: %v, want a server_error hiding its cause", err)
	}
	_, err = f.App(context.Background(), "site-a")
	if codeOf(err) != fabric.CodeServerError || strings.Contains(strings.ToLower(err.Error()), "sql") {
		t.Errorf("app: %v, want a server_error hiding its cause", err)
	}
}

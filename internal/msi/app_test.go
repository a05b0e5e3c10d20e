package msi

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

func TestApp(t *testing.T) {
	e := newEnv(t, "ES256")
	w := newWorld(t, e)
	// Settings as package resources stores them: a child row of the site.
	settings := map[string]string{"Managed_Identity_Client_ID": w.uai1.ClientID, "GREETING": "hi"}
	props, _ := json.Marshal(settings)
	e.update(t, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateResource(ctx, store.Resource{ID: w.siteA.ID + "/config/appsettings", Type: typeSites + "/config",
			SubscriptionID: testSub, ResourceGroup: "apps", Name: "appsettings", Properties: props})
	})
	// Two apps named "twin" on vm1 in different groups; one on vm2.
	twin1, _ := e.resource(t, typeSites, "apps", "twin", w.vm1.ID, false)
	twin2, _ := e.resource(t, typeSites, "other", "Twin", w.vm1.ID, false)
	e.resource(t, typeSites, "third", "site-a", w.vm2.ID, false) // same name as site-a, other host

	tests := []struct {
		name     string
		host     string
		app      string
		wantID   string
		settings map[string]string
		code     string
	}{
		{"by name", w.vm1.ID, "site-a", w.siteA.ID, settings, ""},
		{"by name, other case", w.vm1.ID, "SITE-A", w.siteA.ID, settings, ""},
		{"by ID", w.vm1.ID, w.siteA.ID, w.siteA.ID, settings, ""},
		{"by ID, other case", w.vm1.ID, strings.ToLower(w.siteA.ID), w.siteA.ID, settings, ""},
		{"no settings", w.vm1.ID, "site-nosys", w.siteNoSys.ID, map[string]string{}, ""},
		{"unplaced app on the local host", fabric.LocalHost, "site-local", w.siteLocal.ID, map[string]string{}, ""},
		{"one of twins by ID", w.vm1.ID, twin2.ID, twin2.ID, map[string]string{}, ""},

		{"ambiguous name", w.vm1.ID, "TWIN", "", nil, fabric.CodeAmbiguousApp},
		{"other host's app by name", w.vm1.ID, "site-b", "", nil, fabric.CodeResourceNotFound},
		{"other host's app by ID", w.vm1.ID, w.siteB.ID, "", nil, fabric.CodeResourceNotFound},
		{"placed app from the local host", fabric.LocalHost, "site-a", "", nil, fabric.CodeResourceNotFound},
		{"unplaced app from a VM", w.vm1.ID, "site-local", "", nil, fabric.CodeResourceNotFound},
		{"unknown name", w.vm1.ID, "ghost", "", nil, fabric.CodeResourceNotFound},
		{"empty host ID", "", "site-local", "", nil, fabric.CodeResourceNotFound},

		{"empty", w.vm1.ID, "", "", nil, fabric.CodeInvalidRequest},
		{"name with slash", w.vm1.ID, "apps/site-a", "", nil, fabric.CodeInvalidRequest},
		{"very long name", w.vm1.ID, strings.Repeat("a", 300), "", nil, fabric.CodeInvalidRequest},
		{"VM ID", w.vm1.ID, w.vm1.ID, "", nil, fabric.CodeInvalidRequest},
		{"malformed ID", w.vm1.ID, "/subscriptions/x/resourceGroups", "", nil, fabric.CodeInvalidRequest},
		{"settings row ID", w.vm1.ID, w.siteA.ID + "/config/appsettings", "", nil, fabric.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := e.svc.For(tt.host).App(context.Background(), tt.app)
			if tt.code != "" {
				if code := codeOf(err); code != tt.code || app.ID != "" {
					t.Fatalf("got code %q (%v), app %q; want %q", code, err, app.ID, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if app.ID != tt.wantID || !strings.EqualFold(app.Name, tt.wantID[strings.LastIndex(tt.wantID, "/")+1:]) || !maps.Equal(app.Settings, tt.settings) {
				t.Errorf("got %+v, want ID %s settings %v", app, tt.wantID, tt.settings)
			}
		})
	}
	// The ambiguity error names every candidate so the user can pick one.
	_, err := e.svc.For(w.vm1.ID).App(context.Background(), "twin")
	for _, id := range []string{twin1.ID, twin2.ID} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("ambiguity error %q does not list %s", err, id)
		}
	}
}

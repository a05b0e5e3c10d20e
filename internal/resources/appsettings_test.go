package resources

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/rbac"
)

func TestAppSettings(t *testing.T) {
	e := newEnv(t)
	e.group()
	app := sitePath + "app1"
	cfg := app + "/config/appsettings"
	if code, b := e.do("PUT", cfg, `{"properties":{"A":"1"}}`, ownerID); code != 404 || errCode(t, b) != "ResourceNotFound" {
		t.Errorf("settings of a missing app: %d %s", code, b)
	}
	e.must(201, "PUT", app, `{"location":"local"}`)
	if m := e.must(200, "POST", cfg+"/list", ""); len(m["properties"].(map[string]any)) != 0 || m["name"] != "appsettings" {
		t.Errorf("empty settings: %v", m)
	}
	m := e.must(200, "PUT", cfg, `{"properties":{"Managed_Identity_Client_ID":"abc","X":""}}`)
	if m["type"] != "Microsoft.Web/sites/config" || m["id"] != cfg || get(m, "properties", "Managed_Identity_Client_ID") != "abc" {
		t.Errorf("PUT settings: %v", m)
	}
	e.must(200, "PUT", cfg, `{"properties":{"Y":"2"}}`) // replaces all
	got, err := LoadAppSettings(context.Background(), e.st, app)
	if err != nil || len(got) != 1 || got["Y"] != "2" {
		t.Errorf("LoadAppSettings = %v, %v", got, err)
	}
	// The settings row is not an app.
	if l := e.must(200, "GET", groupPath+"/providers/Microsoft.Web/sites", ""); len(l["value"].([]any)) != 1 {
		t.Errorf("sites list: %v", l)
	}
	bad := []struct{ name, body, code string }{
		{"value not a string", `{"properties":{"A":1}}`, "InvalidRequestContent"},
		{"equals in name", `{"properties":{"A=B":"1"}}`, "InvalidAppSettingName"},
		{"empty name", `{"properties":{"":"1"}}`, "InvalidAppSettingName"},
		{"NUL in name", `{"properties":{"A\u0000":"1"}}`, "InvalidAppSettingName"},
		{"long name", `{"properties":{"` + strings.Repeat("n", 257) + `":"1"}}`, "InvalidAppSettingName"},
		{"long value", `{"properties":{"A":"` + strings.Repeat("v", 10<<10+1) + `"}}`, "InvalidAppSettingValue"},
	}
	for _, c := range bad {
		if code, b := e.do("PUT", cfg, c.body, ownerID); code != 400 || errCode(t, b) != c.code {
			t.Errorf("%s: %d %s", c.name, code, b)
		}
	}
	if code, _ := e.do("PUT", app+"/config/web", `{"properties":{}}`, ownerID); code != 404 {
		t.Errorf("other config: %d", code)
	}
	if got, _ := LoadAppSettings(context.Background(), e.st, app); len(got) != 1 {
		t.Errorf("rejected PUTs changed settings: %v", got)
	}
}

// TestAppSettingsAccess: a Reader may see the app but not its settings
// (they may hold secrets); values never reach the log.
func TestAppSettingsAccess(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	e := newEnv(t)
	e.group()
	app := sitePath + "app1"
	e.must(201, "PUT", app, `{"location":"local"}`)
	e.must(200, "PUT", app+"/config/appsettings", `{"properties":{"DB_PASSWORD":"s3cret-value"}}`)
	const reader = "55555555-5555-5555-5555-555555555555"
	e.user(reader)
	e.assign(reader, rbac.ReaderID, groupPath)
	if code, _ := e.do("GET", app, "", reader); code != 200 {
		t.Errorf("reader GET app: %d", code)
	}
	if code, b := e.do("POST", app+"/config/appsettings/list", "", reader); code != 403 || !strings.Contains(b, "config/list/action") {
		t.Errorf("reader lists settings: %d %s", code, b)
	}
	if code, b := e.do("PUT", app+"/config/appsettings", `{"properties":{}}`, reader); code != 403 || !strings.Contains(b, "config/write") {
		t.Errorf("reader writes settings: %d %s", code, b)
	}
	if code, _ := e.do("DELETE", app, "", reader); code != 403 {
		t.Errorf("reader deletes app: %d", code)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("a setting value was logged: %s", logs.String())
	}
	if r, _ := e.st.GetResource(context.Background(), app); r.Type != typeSites {
		t.Errorf("app changed: %+v", r)
	}
}

func TestListFiltersByRead(t *testing.T) {
	e := newEnv(t)
	e.group()
	e.must(201, "PUT", group2, `{"location":"local"}`)
	e.must(201, "PUT", sitePath+"a", `{"location":"local"}`)
	e.must(201, "PUT", group2+"/providers/Microsoft.Web/sites/b", `{"location":"local"}`)
	const reader = "66666666-6666-6666-6666-666666666666"
	e.user(reader)
	e.assign(reader, rbac.ReaderID, group2)
	if l := e.do2(reader, "GET", "/subscriptions/"+testSub+"/providers/Microsoft.Web/sites"); len(l) != 1 || get(l[0].(map[string]any), "name") != "b" {
		t.Errorf("reader's sites: %v", l)
	}
	if l := e.do2(reader, "GET", "/subscriptions/"+testSub+"/resourcegroups"); len(l) != 1 || get(l[0].(map[string]any), "name") != "rg2" {
		t.Errorf("reader's groups: %v", l)
	}
	if l := e.do2(reader, "GET", "/subscriptions"); len(l) != 0 {
		t.Errorf("reader's subscriptions: %v", l)
	}
	if code, _ := e.do("GET", sitePath+"a", "", reader); code != 403 {
		t.Errorf("reader GET outside scope: %d", code)
	}
	// Writes need write; subscriptions need write at "/".
	if code, _ := e.do("PUT", group2+"/providers/Microsoft.Web/sites/c", `{"location":"local"}`, reader); code != 403 {
		t.Errorf("reader PUT: %d", code)
	}
	e.assign(reader, rbac.OwnerID, "/subscriptions/"+testSub)
	if code, b := e.do("PUT", "/subscriptions/other", `{}`, reader); code != 403 || !strings.Contains(b, "over scope '/'") {
		t.Errorf("subscription owner creates subscription: %d %s", code, b)
	}
}

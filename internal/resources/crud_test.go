package resources

import (
	"net/http"
	"strings"
	"testing"
)

// TestTypesLifecycle creates, reads, lists, updates and deletes every
// tracked type, checking ARM's shapes and status codes.
func TestTypesLifecycle(t *testing.T) {
	cases := []struct {
		base, name, typ, body string
		check                 func(t *testing.T, m map[string]any)
	}{
		{uaiPath, "id1", "Microsoft.ManagedIdentity/userAssignedIdentities", `{"location":"local"}`, func(t *testing.T, m map[string]any) {
			if get(m, "properties", "tenantId") != testTenant || len(get(m, "properties", "clientId").(string)) != 36 || len(get(m, "properties", "principalId").(string)) != 36 {
				t.Errorf("identity properties: %v", m["properties"])
			}
		}},
		{sitePath, "app1", "Microsoft.Web/sites", `{"location":"local","properties":{}}`, func(t *testing.T, m map[string]any) {
			if get(m, "properties", "state") != "Running" || !strings.HasPrefix(get(m, "properties", "defaultHostName").(string), "app1.") {
				t.Errorf("site properties: %v", m["properties"])
			}
		}},
		{vmPath, "vm1", "Microsoft.Compute/virtualMachines", `{"location":"local","properties":{"hardwareProfile":{"vmSize":"Standard_B1s"}}}`, func(t *testing.T, m map[string]any) {
			if get(m, "properties", "hardwareProfile", "vmSize") != "Standard_B1s" || get(m, "properties", "vmId") == nil {
				t.Errorf("vm properties: %v", m["properties"])
			}
		}},
		{saPath, "acct1", "Microsoft.Storage/storageAccounts", `{"location":"local","kind":"StorageV2","sku":{"name":"Standard_LRS"}}`, func(t *testing.T, m map[string]any) {
			if get(m, "properties", "primaryEndpoints", "blob") != "https://127.0.0.1:8443/acct1/" || m["kind"] != "StorageV2" || get(m, "sku", "name") != "Standard_LRS" {
				t.Errorf("storage body: %v", m)
			}
		}},
		{kvPath, "vault-1", "Microsoft.KeyVault/vaults", `{"location":"local","properties":{"sku":{"family":"A","name":"standard"}}}`, func(t *testing.T, m map[string]any) {
			if get(m, "properties", "vaultUri") != "https://127.0.0.1:8443/vaults/vault-1/" || get(m, "properties", "tenantId") != testTenant ||
				get(m, "properties", "enableRbacAuthorization") != true {
				t.Errorf("vault properties: %v", m["properties"])
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			e := newEnv(t)
			e.group()
			path := c.base + c.name
			m := e.must(201, "PUT", path, c.body)
			wantID := path
			if m["id"] != wantID || m["name"] != c.name || m["type"] != c.typ || m["location"] != "local" {
				t.Fatalf("created: %v", m)
			}
			c.check(t, m)
			got := e.must(200, "GET", strings.ToUpper(path[:14])+path[14:], "")
			c.check(t, got)
			if got["id"] != wantID {
				t.Errorf("GET id %v", got["id"])
			}
			// Update: same location, new tags → 200, and stable derived values.
			upd := strings.Replace(c.body, `"location":"local"`, `"location":"local","tags":{"env":"test"}`, 1)
			m2 := e.must(200, "PUT", path, upd)
			if get(m2, "tags", "env") != "test" {
				t.Errorf("tags not updated: %v", m2["tags"])
			}
			if c.typ == "Microsoft.ManagedIdentity/userAssignedIdentities" && get(m2, "properties", "clientId") != get(m, "properties", "clientId") {
				t.Errorf("clientId changed on update")
			}
			if c.typ == "Microsoft.Compute/virtualMachines" && get(m2, "properties", "vmId") != get(m, "properties", "vmId") {
				t.Errorf("vmId changed on update")
			}
			l := e.must(200, "GET", groupPath+"/providers/"+c.typ, "")
			if v := l["value"].([]any); len(v) != 1 || get(v[0].(map[string]any), "name") != c.name {
				t.Errorf("group list: %v", l)
			}
			l = e.must(200, "GET", "/subscriptions/"+testSub+"/providers/"+c.typ, "")
			if v := l["value"].([]any); len(v) != 1 {
				t.Errorf("subscription list: %v", l)
			}
			// Moving location is refused.
			if code, b := e.do("PUT", path, strings.Replace(c.body, `"local"`, `"elsewhere"`, 1), ownerID); code != 400 || errCode(t, b) != "InvalidResourceLocation" {
				t.Errorf("location change: %d %s", code, b)
			}
			e.must(200, "DELETE", path, "")
			e.must(204, "DELETE", path, "")
			if code, b := e.do("GET", path, "", ownerID); code != 404 || errCode(t, b) != "ResourceNotFound" {
				t.Errorf("GET after delete: %d %s", code, b)
			}
		})
	}
}

func TestSubscriptionsAndGroups(t *testing.T) {
	e := newEnv(t)
	sub := e.must(200, "GET", "/subscriptions/"+testSub, "")
	if sub["subscriptionId"] != testSub || sub["displayName"] != "Test" || sub["state"] != "Enabled" || sub["tenantId"] != testTenant {
		t.Errorf("subscription: %v", sub)
	}
	if l := e.must(200, "GET", "/subscriptions", ""); len(l["value"].([]any)) != 1 {
		t.Errorf("subscriptions: %v", l)
	}
	e.must(200, "PUT", "/subscriptions/"+testSub, `{"displayName":"Renamed"}`)
	if s := e.must(200, "GET", "/subscriptions/"+testSub, ""); s["displayName"] != "Renamed" {
		t.Errorf("rename: %v", s)
	}
	g := e.must(201, "PUT", groupPath, `{"location":"West US","tags":{"a":"b"}}`)
	if g["type"] != "Microsoft.Resources/resourceGroups" || g["location"] != "West US" || get(g, "properties", "provisioningState") != "Succeeded" {
		t.Errorf("group: %v", g)
	}
	e.must(200, "PUT", strings.ToLower(groupPath), `{"location":"westus"}`) // same location, ARM-normalised
	if code, b := e.do("PUT", groupPath, `{"location":"eastus"}`, ownerID); code != 409 || errCode(t, b) != "InvalidResourceGroupLocation" {
		t.Errorf("group move: %d %s", code, b)
	}
	p := e.must(200, "PATCH", groupPath, `{"tags":{"x":"y"}}`)
	if get(p, "tags", "x") != "y" || get(p, "tags", "a") != nil {
		t.Errorf("patch tags: %v", p["tags"])
	}
	if l := e.must(200, "GET", "/subscriptions/"+testSub+"/resourcegroups", ""); len(l["value"].([]any)) != 1 {
		t.Errorf("groups: %v", l)
	}
	if code, b := e.do("PUT", "/subscriptions/nope/resourceGroups/g", `{"location":"local"}`, ownerID); code != 404 || errCode(t, b) != "SubscriptionNotFound" {
		t.Errorf("group in missing sub: %d %s", code, b)
	}
	if code, b := e.do("GET", "/subscriptions/nope/resourcegroups", "", ownerID); code != 404 || errCode(t, b) != "SubscriptionNotFound" {
		t.Errorf("groups of missing sub: %d %s", code, b)
	}
	e.must(200, "DELETE", groupPath, "")
	e.must(204, "DELETE", groupPath, "")
	e.must(200, "DELETE", "/subscriptions/"+testSub, "")
	if code, _ := e.do("GET", "/subscriptions/"+testSub, "", ownerID); code != 404 {
		t.Errorf("subscription after delete: %d", code)
	}
}

func TestParentMustExist(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ path, code string }{
		{sitePath + "a", "ResourceGroupNotFound"},
		{"/subscriptions/missing/resourceGroups/rg1/providers/Microsoft.Web/sites/a", "SubscriptionNotFound"},
	} {
		for _, m := range []string{"PUT", "GET"} {
			code, b := e.do(m, c.path, `{"location":"local"}`, ownerID)
			if code != 404 || errCode(t, b) != c.code {
				t.Errorf("%s %s: %d %s, want %s", m, c.path, code, b, c.code)
			}
		}
	}
	if code, b := e.do("GET", groupPath+"/providers/Microsoft.Web/sites", "", ownerID); code != 404 || errCode(t, b) != "ResourceGroupNotFound" {
		t.Errorf("list in missing group: %d %s", code, b)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	e.group()
	cases := []struct {
		name, method, path, body, code string
		status                         int
	}{
		{"no location", "PUT", sitePath + "a", `{}`, "LocationRequired", 400},
		{"group no location", "PUT", groupPath + "x", `{"tags":{}}`, "LocationRequired", 400},
		{"empty body", "PUT", sitePath + "a", ``, "InvalidRequestContent", 400},
		{"malformed body", "PUT", sitePath + "a", `{"location":`, "InvalidRequestContent", 400},
		{"tags wrong type", "PUT", sitePath + "a", `{"location":"l","tags":{"a":1}}`, "InvalidRequestContent", 400},
		{"properties not object", "PUT", sitePath + "a", `{"location":"l","properties":[1]}`, "InvalidRequestContent", 400},
		{"bad site name", "PUT", sitePath + "a%20b", `{"location":"l"}`, "InvalidResourceName", 400},
		{"long name", "PUT", sitePath + strings.Repeat("a", 91), `{"location":"l"}`, "InvalidResourceName", 400},
		{"storage upper case", "PUT", saPath + "Acct1", `{"location":"l"}`, "InvalidResourceName", 400},
		{"storage short", "PUT", saPath + "ab", `{"location":"l"}`, "InvalidResourceName", 400},
		{"storage reserved for a Lanyard endpoint", "PUT", saPath + "metadata", `{"location":"l"}`, "InvalidResourceName", 400},
		{"storage reserved healthz", "PUT", saPath + "healthz", `{"location":"l"}`, "InvalidResourceName", 400},
		{"storage bad sku", "PUT", saPath + "acct9", `{"location":"l","sku":{"name":"Gold"}}`, "InvalidSku", 400},
		{"vault hyphens", "PUT", kvPath + "a--b", `{"location":"l"}`, "InvalidResourceName", 400},
		{"vault digit first", "PUT", kvPath + "1abc", `{"location":"l"}`, "InvalidResourceName", 400},
		{"vault bad sku", "PUT", kvPath + "kv1", `{"location":"l","properties":{"sku":{"name":"gold"}}}`, "InvalidSku", 400},
		{"group name", "PUT", "/subscriptions/" + testSub + "/resourceGroups/bad.", `{"location":"l"}`, "InvalidResourceGroupName", 400},
		{"nested site", "PUT", vmPath + "v/providers/Microsoft.Web/sites/a", `{"location":"l"}`, "InvalidResourceId", 400},
		{"too many tags", "PUT", sitePath + "a", `{"location":"l","tags":{` + manyTags(51) + `}}`, "InvalidTag", 400},
		{"identity on storage", "PUT", saPath + "acct2", `{"location":"l","identity":{"type":"SystemAssigned"}}`, "InvalidIdentityType", 400},
		{"patch missing", "PATCH", sitePath + "nope", `{"tags":{}}`, "ResourceNotFound", 404},
		{"host not a vm", "PUT", sitePath + "a", `{"location":"l","properties":{"hostId":"` + saPath + `x"}}`, "LinkedInvalidPropertyId", 400},
		{"host missing", "PUT", sitePath + "a", `{"location":"l","properties":{"hostId":"` + vmPath + `nope"}}`, "LinkedResourceNotFound", 400},
		{"host wrong type", "PUT", sitePath + "a", `{"location":"l","properties":{"hostId":5}}`, "InvalidRequestContent", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, b := e.do(c.method, c.path, c.body, ownerID)
			if code != c.status || errCode(t, b) != c.code {
				t.Errorf("%d %s, want %d %s", code, b, c.status, c.code)
			}
		})
	}
	// Nothing was created by any of them.
	if l := e.must(200, "GET", "/subscriptions/"+testSub+"/providers/Microsoft.Web/sites", ""); len(l["value"].([]any)) != 0 {
		t.Errorf("bad requests created resources: %v", l)
	}
	if code, _ := e.do("GET", sitePath+"a", "", ""); code != http.StatusUnauthorized {
		t.Errorf("no caller: %d", code)
	}
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"t` + strings.Repeat("x", i) + `":"v"`)
	}
	return b.String()
}

func TestGlobalNames(t *testing.T) {
	e := newEnv(t)
	e.group()
	e.must(201, "PUT", "/subscriptions/"+testSub+"/resourceGroups/rg2", `{"location":"local"}`)
	other := "/subscriptions/" + testSub + "/resourceGroups/rg2/providers/"
	e.must(201, "PUT", saPath+"shared1", `{"location":"local"}`)
	if code, b := e.do("PUT", other+"Microsoft.Storage/storageAccounts/shared1", `{"location":"local"}`, ownerID); code != 409 || errCode(t, b) != "StorageAccountAlreadyTaken" {
		t.Errorf("duplicate account: %d %s", code, b)
	}
	e.must(201, "PUT", kvPath+"Vault1", `{"location":"local"}`)
	if code, b := e.do("PUT", other+"Microsoft.KeyVault/vaults/vault1", `{"location":"local"}`, ownerID); code != 409 || errCode(t, b) != "VaultAlreadyExists" {
		t.Errorf("duplicate vault: %d %s", code, b)
	}
	// Updating the same one is fine, and once deleted the name is free.
	e.must(200, "PUT", kvPath+"vault1", `{"location":"local"}`)
	e.must(200, "DELETE", kvPath+"Vault1", "")
	e.must(201, "PUT", other+"Microsoft.KeyVault/vaults/vault1", `{"location":"local"}`)
}

package directory

import (
	"context"
	"testing"
)

func TestGroupsAPI(t *testing.T) {
	a := newAPI(t)
	a.do(t, a.plain, "POST", "/v1.0/groups", `{"displayName":"ops"}`).expect(t, 403, codeDenied)
	r := a.do(t, a.admin, "POST", "/v1.0/groups", `{"displayName":"ops team","mailNickname":"ops"}`).expect(t, 201, "")
	if r.body["@odata.type"] != "#microsoft.graph.group" || r.body["securityEnabled"] != true || r.body["mailNickname"] == "" {
		t.Fatalf("group body %v", r.body)
	}
	ops := r.body["id"].(string)
	inner := a.do(t, a.admin, "POST", "/v1.0/groups", `{"displayName":"inner"}`).expect(t, 201, "").body["id"].(string)
	a.do(t, a.admin, "POST", "/v1.0/groups", `{}`).expect(t, 400, codeBadRequest)

	ref := func(id string) string {
		return `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + id + `"}`
	}
	members := "/v1.0/groups/" + ops + "/members"
	a.do(t, a.plain, "POST", members+"/$ref", ref(a.plain.ID)).expect(t, 403, codeDenied)
	a.do(t, a.admin, "POST", members+"/$ref", ref(a.plain.ID)).expect(t, 204, "")
	a.do(t, a.admin, "POST", members+"/$ref", ref(a.plain.ID)).expect(t, 204, "") // idempotent
	a.do(t, a.admin, "POST", members+"/$ref", ref(inner)).expect(t, 204, "")
	a.do(t, a.admin, "POST", "/v1.0/groups/"+inner+"/members/$ref", ref(ops)).expect(t, 400, codeBadRequest)   // cycle
	a.do(t, a.admin, "POST", "/v1.0/groups/"+inner+"/members/$ref", ref(inner)).expect(t, 400, codeBadRequest) // itself
	a.do(t, a.admin, "POST", members+"/$ref", ref(newID())).expect(t, 404, codeNotFound)
	a.do(t, a.admin, "POST", members+"/$ref", `{"@odata.id":"not a reference"}`).expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", members+"/$ref", `[]`).expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", "/v1.0/groups/"+a.plain.ID+"/members/$ref", ref(inner)).expect(t, 404, codeNotFound) // not a group

	got := a.do(t, a.plain, "GET", members, "").expect(t, 200, "").values(t)
	if len(got) != 2 {
		t.Fatalf("members %v, want 2", got)
	}
	for _, m := range got {
		if _, ok := m["@odata.type"]; !ok {
			t.Fatalf("member without @odata.type: %v", m)
		}
	}
	if edges, _ := a.st.ListMemberships(context.Background()); len(edges) != 2 {
		t.Fatalf("%d edges, want 2", len(edges))
	}

	a.do(t, a.plain, "DELETE", members+"/"+a.plain.ID+"/$ref", "").expect(t, 403, codeDenied)
	a.do(t, a.admin, "DELETE", members+"/"+a.plain.ID+"/$ref", "").expect(t, 204, "")
	a.do(t, a.admin, "DELETE", members+"/"+a.plain.ID+"/$ref", "").expect(t, 404, codeNotFound)
	a.do(t, a.admin, "DELETE", members+"/x/$ref", "").expect(t, 400, codeBadRequest)

	if n := len(a.do(t, a.plain, "GET", "/v1.0/groups?$filter="+queryEscape("displayName eq 'OPS team'"), "").expect(t, 200, "").values(t)); n != 1 {
		t.Fatalf("filter by displayName: %d, want 1", n)
	}
	a.do(t, a.plain, "GET", "/v1.0/groups?$filter="+queryEscape("appId eq 'x'"), "").expect(t, 400, codeBadRequest)

	a.do(t, a.plain, "DELETE", "/v1.0/groups/"+ops, "").expect(t, 403, codeDenied)
	a.do(t, a.admin, "DELETE", "/v1.0/groups/"+ops, "").expect(t, 204, "")
	a.do(t, a.plain, "GET", "/v1.0/groups/"+ops, "").expect(t, 404, codeNotFound)
	if _, err := a.st.GetPrincipal(context.Background(), inner); err != nil {
		t.Fatal("deleting a group deleted its member group")
	}
	if edges, _ := a.st.ListMemberships(context.Background()); len(edges) != 0 {
		t.Fatalf("memberships of a deleted group remain: %v", edges)
	}
}

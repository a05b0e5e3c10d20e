package resources

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// enrol gives vm a host row with a certificate and a pending join token,
// as package hosts would.
func (e *env) enrol(vm, serial string) {
	e.t.Helper()
	err := e.st.PutHost(context.Background(), store.Host{ID: vm, JoinTokenHash: "tok-" + serial,
		JoinExpiresAt: e.now.Add(24 * time.Hour), CertSerial: serial, CertExpiresAt: e.now.Add(24 * time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) hostRows() []string {
	e.t.Helper()
	hs, err := e.st.ListHosts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func TestDeleteVMDeletesHostEnrolment(t *testing.T) {
	e := newEnv(t)
	e.group()
	e.must(201, "PUT", group2, `{"location":"local"}`)
	vm1, vm2, other := vmPath+"vm1", vmPath+"vm2", group2+"/providers/Microsoft.Compute/virtualMachines/vm3"
	for i, vm := range []string{vm1, vm2, other} {
		e.must(201, "PUT", vm, `{"location":"local"}`)
		e.enrol(vm, string(rune('a'+i)))
	}
	e.must(201, "PUT", vmPath+"never-enrolled", `{"location":"local"}`)

	e.must(200, "DELETE", vm1, "")
	if _, err := e.st.GetHost(context.Background(), vm1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("host row of deleted VM: %v", err)
	}
	if _, err := e.st.GetHostByCertSerial(context.Background(), "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("certificate of deleted VM still found: %v", err)
	}
	// A VM without an enrolment deletes fine.
	e.must(200, "DELETE", vmPath+"never-enrolled", "")
	// Deleting the group takes its VMs' enrolments, and only theirs.
	e.must(200, "DELETE", groupPath, "")
	if got := e.hostRows(); len(got) != 1 || got[0] != other {
		t.Fatalf("host rows after deleting the group: %v", got)
	}
	// A VM re-created under the same ID starts without an enrolment.
	e.group()
	e.must(201, "PUT", vm2, `{"location":"local"}`)
	if _, err := e.st.GetHost(context.Background(), vm2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("re-created VM inherited an enrolment: %v", err)
	}
}

func TestFailedVMDeleteKeepsHostEnrolment(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Store = failingStore{c.Store} })
	e.group()
	vm := vmPath + "vm1"
	e.must(201, "PUT", vm, `{"location":"local"}`)
	e.enrol(vm, "a")
	if code, b := e.do("DELETE", vm, "", ownerID); code != 500 {
		t.Fatalf("DELETE: %d %s", code, b)
	}
	if h, err := e.st.GetHostByCertSerial(context.Background(), "a"); err != nil || h.ID != vm {
		t.Fatalf("enrolment lost by a failed delete: %+v %v", h, err)
	}
}

package access

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentDuplicateGrants: racing PUTs of the same grant under
// different names create exactly one assignment; the rest are 409.
func TestConcurrentDuplicateGrants(t *testing.T) {
	e := newEnv(t)
	before := e.countAssignments()
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("ffffffff-0000-0000-0000-%012d", i)
			statuses[i], _ = e.do(http.MethodPut, assignmentPath(rg1, name), admin, assignBody(roleReader, alice, ""))
		})
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("unexpected status %d", s)
		}
	}
	if created != 1 || e.countAssignments() != before+1 {
		t.Errorf("created %d (store has %d new), want exactly 1", created, e.countAssignments()-before)
	}
}

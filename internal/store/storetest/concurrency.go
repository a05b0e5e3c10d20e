package storetest

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

// testConcurrency checks compare-and-swap: N goroutines each increment
// counters k times through read-modify-write; no increment may be lost.
func testConcurrency(t *testing.T, open Opener) {
	const n, k = 8, 15
	s := fresh(t, open)
	ok(t, s.CreatePrincipal(bg, user("u1", "a")))
	ok(t, s.CreateResource(bg, resource(site, "Microsoft.Web/sites")))
	ok(t, s.CreatePrincipal(bg, group("g1")))

	var wg sync.WaitGroup
	errs := make(chan error, 3*n*k)
	for g := range n {
		wg.Go(func() {
			for i := range k {
				// Through the Store's own atomic update.
				errs <- s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
					c, _ := strconv.Atoi(p.DisplayName)
					p.DisplayName = strconv.Itoa(c + 1)
					return p, nil
				})
				// Through Update, mixing aggregates and the change feed.
				errs <- s.Update(bg, func(tx store.Tx) error {
					if err := tx.UpdateResource(bg, site, func(r store.Resource) (store.Resource, error) {
						var c int
						if len(r.Properties) > 0 {
							json.Unmarshal(r.Properties, &c)
						}
						r.Properties = json.RawMessage(strconv.Itoa(c + 1))
						return r, nil
					}); err != nil {
						return err
					}
					return tx.CreateAssignment(bg, assignment("a-"+strconv.Itoa(g)+"-"+strconv.Itoa(i), rg, "u-"+strconv.Itoa(g*k+i)))
				})
				// Readers alongside the writers.
				_, err := s.ListAssignments(bg, store.AssignmentFilter{Under: rg})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		ok(t, err)
	}
	p, err := s.GetPrincipal(bg, "u1")
	ok(t, err)
	equal(t, p.DisplayName, strconv.Itoa(n*k))
	r, err := s.GetResource(bg, site)
	ok(t, err)
	equal(t, string(r.Properties), strconv.Itoa(n*k))
	as, err := s.ListAssignments(bg, store.AssignmentFilter{})
	ok(t, err)
	equal(t, len(as), n*k)
	// One change per assignment, in strictly increasing revisions.
	equal(t, len(feedSince(t, s, 0)), n*k)
}

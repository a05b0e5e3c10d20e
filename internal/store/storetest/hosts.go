package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	vm1 = rg + "/providers/Microsoft.Compute/virtualMachines/VM1"
	vm2 = rg + "/providers/Microsoft.Compute/virtualMachines/vm2"
)

func joinedHost(id, serial, prev string) store.Host {
	return store.Host{ID: id, CertSerial: serial, CertExpiresAt: at(5),
		PrevCertSerial: prev, PrevCertExpiresAt: at(4), JoinedAt: at(2), CreatedAt: at(1), UpdatedAt: at(2)}
}

func testHosts(t *testing.T, open Opener) {
	t.Run("PutGetReplace", func(t *testing.T) {
		s := fresh(t, open)
		h := store.Host{ID: vm1, JoinTokenHash: "AbC123", JoinExpiresAt: at(3), CreatedAt: at(1), UpdatedAt: at(1)}
		ok(t, s.PutHost(bg, h))
		got, err := s.GetHost(bg, upper(vm1))
		ok(t, err)
		equal(t, got, h) // original casing and every time intact
		_, err = s.GetHost(bg, vm2)
		is(t, err, store.ErrNotFound)

		h2 := joinedHost(vm1, "01ab", "")
		ok(t, s.PutHost(bg, h2)) // replace: the pending token goes
		got, err = s.GetHost(bg, vm1)
		ok(t, err)
		equal(t, got, h2)
		_, err = s.GetHostByJoinToken(bg, "abc123")
		is(t, err, store.ErrNotFound)
		fails(t, s.PutHost(bg, store.Host{}))
	})
	t.Run("JoinTokenLookupAndUniqueness", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.PutHost(bg, store.Host{ID: vm1, JoinTokenHash: "aa11", JoinExpiresAt: at(3)}))
		ok(t, s.PutHost(bg, store.Host{ID: vm2})) // no token
		got, err := s.GetHostByJoinToken(bg, "AA11")
		ok(t, err)
		equal(t, got.ID, vm1)
		// "" must never find a host without a pending token.
		_, err = s.GetHostByJoinToken(bg, "")
		is(t, err, store.ErrNotFound)
		_, err = s.GetHostByJoinToken(bg, "aa1")
		is(t, err, store.ErrNotFound)
		is(t, s.PutHost(bg, store.Host{ID: vm2, JoinTokenHash: "aa11"}), store.ErrConflict)
		// Many hosts may have no token at all.
		ok(t, s.PutHost(bg, store.Host{ID: rg + "/providers/Microsoft.Compute/virtualMachines/vm3"}))
	})
	t.Run("CertSerialLookup", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.PutHost(bg, joinedHost(vm1, "c0ffee", "beef01")))
		ok(t, s.PutHost(bg, joinedHost(vm2, "d00d", "")))
		for _, c := range []struct{ serial, want string }{
			{"c0ffee", vm1}, {"C0FFEE", vm1}, {"beef01", vm1}, {"d00d", vm2},
		} {
			got, err := s.GetHostByCertSerial(bg, c.serial)
			ok(t, err)
			equal(t, got.ID, c.want)
		}
		for _, miss := range []string{"", "c0ffe", "beef"} {
			_, err := s.GetHostByCertSerial(bg, miss)
			is(t, err, store.ErrNotFound)
		}
		hs, err := s.ListHosts(bg)
		ok(t, err)
		equal(t, len(hs), 2)
		equal(t, []string{hs[0].ID, hs[1].ID}, []string{vm1, vm2})
	})
	t.Run("UpdateDelete", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.PutHost(bg, joinedHost(vm1, "01", "")))
		ok(t, s.UpdateHost(bg, upper(vm1), func(h store.Host) (store.Host, error) {
			h.PrevCertSerial, h.PrevCertExpiresAt = h.CertSerial, h.CertExpiresAt
			h.CertSerial, h.CertExpiresAt = "02", at(9)
			return h, nil
		}))
		got, err := s.GetHostByCertSerial(bg, "01")
		ok(t, err)
		if got.ID != vm1 || got.CertSerial != "02" || got.PrevCertSerial != "01" || !got.CertExpiresAt.Equal(at(9)) {
			t.Fatalf("update not applied: %+v", got)
		}
		boom := errors.New("boom")
		is(t, s.UpdateHost(bg, vm1, func(h store.Host) (store.Host, error) {
			h.CertSerial = "03"
			return h, boom
		}), boom)
		fails(t, s.UpdateHost(bg, vm1, func(h store.Host) (store.Host, error) {
			h.ID = vm2
			return h, nil
		}))
		got, err = s.GetHost(bg, vm1)
		ok(t, err)
		equal(t, got.CertSerial, "02")
		is(t, s.UpdateHost(bg, vm2, func(h store.Host) (store.Host, error) { return h, nil }), store.ErrNotFound)

		// Inside a transaction that fails, nothing is kept.
		is(t, s.Update(bg, func(tx store.Tx) error {
			ok(t, tx.DeleteHost(bg, vm1))
			return boom
		}), boom)
		_, err = s.GetHost(bg, vm1)
		ok(t, err)

		ok(t, s.DeleteHost(bg, upper(vm1)))
		is(t, s.DeleteHost(bg, vm1), store.ErrNotFound)
		_, err = s.GetHost(bg, vm1)
		is(t, err, store.ErrNotFound)
		_, err = s.GetHostByCertSerial(bg, "02")
		is(t, err, store.ErrNotFound)
	})
	t.Run("ConsumeTokenOnce", func(t *testing.T) {
		// Two joins racing with one token: exactly one consumes it.
		s := fresh(t, open)
		ok(t, s.PutHost(bg, store.Host{ID: vm1, JoinTokenHash: "tok", JoinExpiresAt: at(3)}))
		const n = 8
		var wg sync.WaitGroup
		won := make(chan int, n)
		for i := range n {
			wg.Go(func() {
				err := s.Update(bg, func(tx store.Tx) error {
					h, err := tx.GetHostByJoinToken(bg, "tok")
					if err != nil {
						return err
					}
					return tx.UpdateHost(bg, h.ID, func(h store.Host) (store.Host, error) {
						h.JoinTokenHash, h.CertSerial = "", string(rune('a'+i))
						return h, nil
					})
				})
				if err == nil {
					won <- i
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("join %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		close(won)
		var winners []int
		for i := range won {
			winners = append(winners, i)
		}
		equal(t, len(winners), 1)
		got, err := s.GetHost(bg, vm1)
		ok(t, err)
		equal(t, got.CertSerial, string(rune('a'+winners[0])))
	})
}

package rbac

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// world is a realistic tenant: 10 subscriptions × 50 resource groups ×
// storage accounts × 2 containers; users in 3-5 groups, a fifth of the
// groups nested in another group; assignments spread over every level.
type world struct {
	src     *memSource
	users   []string
	queries []string // container scope keys
}

func buildWorld(n int) *world {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	m := newMemSource()
	users := make([]string, max(100, n/20))
	groups := make([]string, max(10, len(users)/10))
	for i := range users {
		users[i] = fmt.Sprintf("u%07d", i)
	}
	for i := range groups {
		groups[i] = fmt.Sprintf("g%06d", i)
		if i > 0 && i%5 == 0 {
			parent := groups[rng.IntN(i)]
			m.members[parent] = addTo(m.members[parent], groups[i])
		}
	}
	for _, u := range users {
		for range 3 + rng.IntN(3) {
			g := groups[rng.IntN(len(groups))]
			m.members[g] = addTo(m.members[g], u)
		}
	}
	perRG := max(1, n/(10*50*4))
	var scopes, containers []string
	for s := range 10 {
		sk := fmt.Sprintf("/subscriptions/%08d-0000-0000-0000-000000000000", s)
		scopes = append(scopes, sk)
		for g := range 50 {
			gk := fmt.Sprintf("%s/resourceGroups/rg%d", sk, g)
			scopes = append(scopes, gk)
			for a := range perRG {
				ak := fmt.Sprintf("%s/providers/Microsoft.Storage/storageAccounts/acct%d", gk, a)
				scopes = append(scopes, ak)
				for c := range 2 {
					ck := fmt.Sprintf("%s/blobServices/default/containers/c%d", ak, c)
					scopes = append(scopes, ck)
					containers = append(containers, ck)
				}
			}
		}
	}
	roles := []string{StorageBlobDataReaderID, StorageBlobDataContributorID, ReaderID, ContributorID, KeyVaultSecretsUserID}
	for i := range n {
		p := users[rng.IntN(len(users))]
		if rng.IntN(4) == 0 {
			p = groups[rng.IntN(len(groups))]
		}
		name := fmt.Sprintf("%08d-aaaa-bbbb-cccc-%012d", i, i)
		m.as[name] = store.RoleAssignment{Name: name, PrincipalID: p, RoleDefinitionID: roles[rng.IntN(len(roles))], Scope: scopes[rng.IntN(len(scopes))]}
	}
	w := &world{src: m, users: users}
	for range 1024 {
		k, _ := scope.KeyOf(containers[rng.IntN(len(containers))])
		w.queries = append(w.queries, k)
	}
	return w
}

func addTo(set map[string]bool, k string) map[string]bool {
	if set == nil {
		set = map[string]bool{}
	}
	set[k] = true
	return set
}

var sizes = []int{1_000, 100_000, 1_000_000}

func BenchmarkCheck(b *testing.B) {
	for _, n := range sizes {
		w := buildWorld(n)
		x := NewIndex(w.src, time.Now)
		if err := x.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
		// One check per op, alternating a data and a control-plane action.
		b.Run(fmt.Sprintf("assignments=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i, allowed := 0, 0
			for b.Loop() {
				q := w.queries[(i>>1)&1023]
				var ok bool
				if i&1 == 0 {
					ok = x.CheckData(w.users[(i>>1)%len(w.users)], blobRead, q)
				} else {
					ok = x.Check(w.users[((i>>1)*7)%len(w.users)], "Microsoft.Storage/storageAccounts/write", q)
				}
				if ok {
					allowed++
				}
				i++
			}
			b.ReportMetric(float64(allowed)/float64(i), "allowed/check")
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, n := range sizes {
		w := buildWorld(n)
		b.Run(fmt.Sprintf("assignments=%d", n), func(b *testing.B) {
			var heap uint64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				x := NewIndex(w.src, time.Now)
				if err := x.Load(context.Background()); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = after.HeapAlloc - before.HeapAlloc
				runtime.KeepAlive(x)
			}
			b.ReportMetric(float64(heap)/(1<<20), "MiB-heap")
		})
	}
}

// BenchmarkSyncOne measures applying one change to a 1M-assignment index:
// a new assignment, or a new member of a group with nested subgroups.
func BenchmarkSyncOne(b *testing.B) {
	w := buildWorld(1_000_000)
	x := NewIndex(w.src, time.Now)
	ctx := context.Background()
	if err := x.Load(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("assignment", func(b *testing.B) {
		i := 0
		for b.Loop() {
			w.src.assign(fmt.Sprintf("sync-%d", i), w.users[i%len(w.users)], "Reader", "/subscriptions/00000000-0000-0000-0000-000000000000")
			if err := x.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("membership", func(b *testing.B) {
		i := 0
		for b.Loop() {
			w.src.AddMember(ctx, "g000001", w.users[(i*13)%len(w.users)])
			if err := x.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func TestCheckZeroAlloc(t *testing.T) {
	w := buildWorld(2000)
	x := NewIndex(w.src, time.Now)
	if err := x.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := testing.AllocsPerRun(200, func() {
		x.CheckData(w.users[3], blobRead, w.queries[5])
		x.Check(w.users[4], "Microsoft.Storage/storageAccounts/write", w.queries[6])
	})
	if n != 0 {
		t.Fatalf("%v allocs per check", n)
	}
}

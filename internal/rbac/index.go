package rbac

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Index answers authorization questions from memory. Load builds it from the
// store; Sync applies the change feed so that each change costs work in
// proportion to what it touches, not to the number of assignments.
//
// Checks take a read lock; Sync reads the store without holding any lock and
// takes the write lock only to apply what it read.
type Index struct {
	src Source
	now func() time.Time

	syncMu sync.Mutex // serialises Load and Sync

	mu       sync.RWMutex
	st       *state
	rev      int64
	lastSync time.Time
}

var _ Authorizer = (*Index)(nil)

// roleSlot is a stable holder for one role ID: assignments point at the slot,
// so redefining or deleting a role is O(1) whatever its assignment count.
type roleSlot struct {
	role *compiledRole // nil while the role is unknown
}

// grant is one role assignment as the index holds it.
type grant struct {
	rec      store.RoleAssignment
	scopeKey string
	scopeID  int32
	slot     *roleSlot
}

// state is everything the index knows, guarded by Index.mu.
type state struct {
	slots       map[string]*roleSlot          // role ID -> slot
	custom      map[string]*compiledRole      // custom role ID -> role
	byName      map[string]*grant             // assignment name -> grant
	byPrincipal map[string]map[int32][]*grant // principal -> scope ID -> grants
	scopes      scopeTable
	parents     map[string]map[string]struct{} // member -> groups it is in
	children    map[string]map[string]struct{} // group -> its members
	closure     map[string][]string            // principal -> transitive groups
}

func newState() *state {
	s := &state{
		slots:       make(map[string]*roleSlot),
		custom:      make(map[string]*compiledRole),
		byName:      make(map[string]*grant),
		byPrincipal: make(map[string]map[int32][]*grant),
		scopes:      newScopeTable(),
		parents:     make(map[string]map[string]struct{}),
		children:    make(map[string]map[string]struct{}),
		closure:     make(map[string][]string),
	}
	for id, r := range compiledBuiltins {
		s.slots[id] = &roleSlot{role: r}
	}
	return s
}

// NewIndex returns an empty index over src; call Load before use.
func NewIndex(src Source, now func() time.Time) *Index {
	if now == nil {
		now = time.Now
	}
	return &Index{src: src, now: now, st: newState()}
}

// Revision is the change-feed revision the index reflects.
func (x *Index) Revision() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.rev
}

// LastSync is when the index last caught up with the store (readiness).
func (x *Index) LastSync() time.Time {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.lastSync
}

// Load rebuilds the index from the store. The revision is read first, so a
// write racing with the load is either seen here or replayed by Sync
// (replaying is idempotent: Sync re-reads current records).
func (x *Index) Load(ctx context.Context) error {
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	rev, err := x.src.LatestRevision(ctx)
	if err != nil {
		return fmt.Errorf("rbac: load revision: %w", err)
	}
	roles, err := x.src.ListRoleDefinitions(ctx)
	if err != nil {
		return fmt.Errorf("rbac: load role definitions: %w", err)
	}
	as, err := x.src.ListAssignments(ctx, store.AssignmentFilter{})
	if err != nil {
		return fmt.Errorf("rbac: load assignments: %w", err)
	}
	edges, err := x.src.ListMemberships(ctx)
	if err != nil {
		return fmt.Errorf("rbac: load memberships: %w", err)
	}
	s := newState()
	for _, d := range roles {
		s.putRole(d)
	}
	for _, a := range as {
		s.putAssignment(a)
	}
	for _, e := range edges {
		s.addEdge(e.GroupID, e.MemberID)
	}
	for m := range s.parents {
		s.recomputeClosure(m)
	}
	x.mu.Lock()
	x.st, x.rev, x.lastSync = s, rev, x.now()
	x.mu.Unlock()
	return nil
}

// putRole installs a custom role. Built-in IDs cannot be shadowed.
func (s *state) putRole(d store.RoleDefinition) {
	id := strings.ToLower(d.ID)
	if _, ok := compiledBuiltins[id]; ok {
		return
	}
	r := compileRole(d)
	s.custom[id] = r
	s.slot(id).role = r
}

func (s *state) deleteRole(id string) {
	id = strings.ToLower(id)
	if _, ok := compiledBuiltins[id]; ok {
		return
	}
	delete(s.custom, id)
	if sl, ok := s.slots[id]; ok {
		sl.role = nil
	}
}

func (s *state) slot(id string) *roleSlot {
	sl, ok := s.slots[id]
	if !ok {
		sl = &roleSlot{}
		s.slots[id] = sl
	}
	return sl
}

// putAssignment adds or replaces an assignment. One whose scope does not
// parse is ignored: it could never match a canonical scope key.
func (s *state) putAssignment(a store.RoleAssignment) {
	s.deleteAssignment(a.Name)
	key, err := scope.KeyOf(a.Scope)
	if err != nil {
		return
	}
	g := &grant{rec: a, scopeKey: key, scopeID: s.scopes.acquire(key), slot: s.slot(strings.ToLower(a.RoleDefinitionID))}
	s.byName[a.Name] = g
	ps := s.byPrincipal[a.PrincipalID]
	if ps == nil {
		ps = make(map[int32][]*grant)
		s.byPrincipal[a.PrincipalID] = ps
	}
	ps[g.scopeID] = append(ps[g.scopeID], g)
}

func (s *state) deleteAssignment(name string) {
	g, ok := s.byName[name]
	if !ok {
		return
	}
	delete(s.byName, name)
	ps := s.byPrincipal[g.rec.PrincipalID]
	list := ps[g.scopeID]
	for i, h := range list {
		if h == g {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ps, g.scopeID)
	} else {
		ps[g.scopeID] = list
	}
	if len(ps) == 0 {
		delete(s.byPrincipal, g.rec.PrincipalID)
	}
	s.scopes.release(g.scopeKey, g.scopeID)
}

package rbac

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/lanyardhq/lanyard/internal/store"
)

// memSource is an in-memory Source with a change feed, used only by the
// benchmarks: writing their million-assignment worlds through SQLite would
// take minutes per run. Every correctness test runs on the real store
// (fixture, store_test.go).
type memSource struct {
	mu      sync.Mutex
	as      map[string]store.RoleAssignment
	roles   map[string]store.RoleDefinition
	members map[string]map[string]bool // group -> members
	feed    []store.Change
}

func newMemSource() *memSource {
	return &memSource{as: map[string]store.RoleAssignment{}, roles: map[string]store.RoleDefinition{}, members: map[string]map[string]bool{}}
}

func (m *memSource) log(kind, key string) {
	m.feed = append(m.feed, store.Change{Revision: int64(len(m.feed) + 1), Kind: kind, Key: key})
}

func (m *memSource) CreateAssignment(_ context.Context, a store.RoleAssignment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.as[a.Name]; ok {
		return store.ErrConflict
	}
	m.as[a.Name] = a
	m.log(store.ChangeAssignment, a.Name)
	return nil
}

func (m *memSource) GetAssignment(_ context.Context, name string) (store.RoleAssignment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.as[name]
	if !ok {
		return a, fmt.Errorf("assignment %s: %w", name, store.ErrNotFound)
	}
	return a, nil
}

func (m *memSource) ListAssignments(_ context.Context, f store.AssignmentFilter) ([]store.RoleAssignment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.RoleAssignment
	for _, a := range m.as {
		if f.PrincipalID == "" || f.PrincipalID == a.PrincipalID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memSource) DeleteAssignment(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.as[name]; !ok {
		return store.ErrNotFound
	}
	delete(m.as, name)
	m.log(store.ChangeAssignment, name)
	return nil
}

func (m *memSource) DeleteAssignments(context.Context, store.AssignmentFilter) ([]store.RoleAssignment, error) {
	return nil, fmt.Errorf("not used")
}

func (m *memSource) PutRoleDefinition(_ context.Context, d store.RoleDefinition) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.roles[d.ID] = d
	m.log(store.ChangeRole, d.ID)
	return nil
}

func (m *memSource) GetRoleDefinition(_ context.Context, id string) (store.RoleDefinition, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.roles[id]
	if !ok {
		return d, store.ErrNotFound
	}
	return d, nil
}

func (m *memSource) ListRoleDefinitions(context.Context) ([]store.RoleDefinition, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.RoleDefinition
	for _, d := range m.roles {
		out = append(out, d)
	}
	return out, nil
}

func (m *memSource) DeleteRoleDefinition(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.roles, id)
	m.log(store.ChangeRole, id)
	return nil
}

func (m *memSource) AddMember(_ context.Context, g, member string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.members[g] == nil {
		m.members[g] = map[string]bool{}
	}
	m.members[g][member] = true
	m.log(store.ChangeMembership, g)
	return nil
}

func (m *memSource) RemoveMember(_ context.Context, g, member string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.members[g], member)
	m.log(store.ChangeMembership, g)
	return nil
}

func (m *memSource) ListMembers(_ context.Context, g string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for x := range m.members[g] {
		out = append(out, x)
	}
	sort.Strings(out)
	return out, nil
}

func (m *memSource) ListMemberships(context.Context) ([]store.Membership, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Membership
	for g, ms := range m.members {
		for x := range ms {
			out = append(out, store.Membership{GroupID: g, MemberID: x})
		}
	}
	return out, nil
}

func (m *memSource) ChangesSince(_ context.Context, rev int64, limit int) ([]store.Change, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rev >= int64(len(m.feed)) {
		return nil, nil
	}
	out := m.feed[rev:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]store.Change(nil), out...), nil
}

func (m *memSource) LatestRevision(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.feed)), nil
}

// assign is a test shorthand: role by name, scope as given.
func (m *memSource) assign(name, principal, role, scopeStr string) {
	d, ok := BuiltinByName(role)
	id := d.ID
	if !ok {
		for _, r := range m.roles {
			if strings.EqualFold(r.RoleName, role) {
				id = r.ID
			}
		}
	}
	if err := m.CreateAssignment(context.Background(), store.RoleAssignment{Name: name, PrincipalID: principal, RoleDefinitionID: id, Scope: scopeStr}); err != nil {
		panic(err)
	}
}

package rbac

import "github.com/lanyardhq/lanyard/internal/scope"

// scopeTable interns the scope keys that have at least one assignment to
// small integers. A check hashes each of its target's ancestor keys once,
// here, instead of once per principal and group; ancestors nobody is
// assigned at drop out before any per-principal lookup. IDs are
// reference-counted and reused, so the table follows the assignments, not
// their history.
type scopeTable struct {
	ids  map[string]int32
	refs []int32 // by ID; 0 means free
	free []int32
}

func newScopeTable() scopeTable {
	return scopeTable{ids: make(map[string]int32)}
}

func (t *scopeTable) acquire(key string) int32 {
	if id, ok := t.ids[key]; ok {
		t.refs[id]++
		return id
	}
	var id int32
	if n := len(t.free); n > 0 {
		id, t.free = t.free[n-1], t.free[:n-1]
	} else {
		id = int32(len(t.refs))
		t.refs = append(t.refs, 0)
	}
	t.ids[key] = id
	t.refs[id] = 1
	return id
}

func (t *scopeTable) release(key string, id int32) {
	if t.refs[id]--; t.refs[id] == 0 {
		delete(t.ids, key)
		t.free = append(t.free, id)
	}
}

// maxPath bounds the root plus every scope on a key's path.
const maxPath = scope.MaxDepth + 1

// path fills ids with the IDs of the root and of key's ancestors (key
// included) that have assignments, root first, and returns how many.
func (t *scopeTable) path(key string, ids *[maxPath]int32) int {
	var ends [scope.MaxDepth]int
	n := scope.Ends(key, &ends)
	m := 0
	if id, ok := t.ids["/"]; ok {
		ids[m] = id
		m++
	}
	for i := range n {
		if id, ok := t.ids[key[:ends[i]]]; ok {
			ids[m] = id
			m++
		}
	}
	return m
}

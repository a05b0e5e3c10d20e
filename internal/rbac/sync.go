package rbac

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// SyncInterval is how often Run polls the change feed.
const SyncInterval = 250 * time.Millisecond

const changeBatch = 1000

// update is one change re-read from the store, ready to apply under the lock.
type update struct {
	kind string
	key  string
	// assignment / role: the current record, or found=false if deleted.
	found      bool
	assignment store.RoleAssignment
	role       store.RoleDefinition
	// membership: group -> current direct members.
	members map[string][]string
}

// Sync applies every change since the last revision. The feed only names
// what changed; Sync re-reads each named record, so replays and reordering
// within a batch are harmless and "not found" means removed.
func (x *Index) Sync(ctx context.Context) error {
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	for {
		rev := x.Revision()
		changes, err := x.src.ChangesSince(ctx, rev, changeBatch)
		if err != nil {
			return fmt.Errorf("rbac: read changes since %d: %w", rev, err)
		}
		if len(changes) == 0 {
			x.mu.Lock()
			x.lastSync = x.now()
			x.mu.Unlock()
			return nil
		}
		ups, err := x.read(ctx, dedupe(changes))
		if err != nil {
			return err
		}
		x.mu.Lock()
		for _, u := range ups {
			x.st.apply(u)
		}
		x.rev = changes[len(changes)-1].Revision
		x.mu.Unlock()
		if len(changes) < changeBatch {
			x.mu.Lock()
			x.lastSync = x.now()
			x.mu.Unlock()
			return nil
		}
	}
}

// dedupe keeps the last change per (kind, key), in feed order.
func dedupe(cs []store.Change) []store.Change {
	type k struct{ kind, key string }
	last := make(map[k]int, len(cs))
	for i, c := range cs {
		last[k{c.Kind, c.Key}] = i
	}
	out := make([]store.Change, 0, len(last))
	for i, c := range cs {
		if last[k{c.Kind, c.Key}] == i {
			out = append(out, c)
		}
	}
	return out
}

func (x *Index) read(ctx context.Context, cs []store.Change) ([]update, error) {
	ups := make([]update, 0, len(cs))
	for _, c := range cs {
		u := update{kind: c.Kind, key: c.Key}
		var err error
		switch c.Kind {
		case store.ChangeAssignment:
			u.assignment, err = x.src.GetAssignment(ctx, c.Key)
		case store.ChangeRole:
			u.role, err = x.src.GetRoleDefinition(ctx, c.Key)
		case store.ChangeMembership:
			u.members = make(map[string][]string, 1)
			err = x.readMembers(ctx, c.Key, u.members)
		case store.ChangePrincipal:
			// The principal may have been a group and a member: re-read its
			// own members and those of every group the index has it in.
			u.members = make(map[string][]string)
			x.mu.RLock()
			groups := x.st.groupsOf(c.Key)
			x.mu.RUnlock()
			for _, g := range append(groups, c.Key) {
				if err = x.readMembers(ctx, g, u.members); err != nil {
					break
				}
			}
		default:
			continue // a kind this version does not know: nothing to re-read
		}
		switch {
		case err == nil:
			u.found = true
		case errors.Is(err, store.ErrNotFound):
		default:
			return nil, fmt.Errorf("rbac: re-read %s %q: %w", c.Kind, c.Key, err)
		}
		ups = append(ups, u)
	}
	return ups, nil
}

func (x *Index) readMembers(ctx context.Context, group string, into map[string][]string) error {
	ms, err := x.src.ListMembers(ctx, group)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	into[group] = ms
	return nil
}

func (s *state) apply(u update) {
	switch u.kind {
	case store.ChangeAssignment:
		if u.found {
			s.putAssignment(u.assignment)
		} else {
			s.deleteAssignment(u.key)
		}
	case store.ChangeRole:
		if u.found {
			s.putRole(u.role)
		} else {
			s.deleteRole(u.key)
		}
	case store.ChangeMembership, store.ChangePrincipal:
		for g, ms := range u.members {
			s.setMembers(g, ms)
		}
	}
}

// Run keeps the index current until ctx ends, for replicas that share a
// store with writers elsewhere. A failed sync is retried at the next tick;
// the index keeps answering from what it has.
func (x *Index) Run(ctx context.Context) error {
	t := time.NewTicker(SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			_ = x.Sync(ctx) // transient store errors: next tick retries
		}
	}
}

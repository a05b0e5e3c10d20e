package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Syncer is the RBAC index: Sync makes it re-read the store's change feed.
// The service calls it after committing a write that changes who holds which
// role (memberships, deletions), so that the change holds from the next
// request rather than the next poll.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Service owns the directory's rules; the Graph-shaped Handler and the
// token service call it.
type Service struct {
	st    store.Store
	authz rbac.Authorizer
	sync  Syncer
	now   func() time.Time
	pw    *passwordHasher
}

// New returns a Service. sync may be nil (nothing to refresh); now defaults
// to time.Now.
func New(st store.Store, authz rbac.Authorizer, sync Syncer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, authz: authz, sync: sync, now: now, pw: newPasswordHasher(defaultParams)}
}

// newID returns a lower-case GUID, the form of every directory ID.
func newID() string { return strings.ToLower(uuid.NewString()) }

// refresh tells the RBAC index about a committed change. A failure is
// returned: the write stands, but the caller must know that authorization
// may lag until the index catches up from the change feed.
func (s *Service) refresh(ctx context.Context) error {
	if s.sync == nil {
		return nil
	}
	if err := s.sync.Sync(ctx); err != nil {
		return fmt.Errorf("directory: change committed but RBAC index refresh failed: %w", err)
	}
	return nil
}

// redact strips secrets from a record before it leaves the package.
func redact(p store.Principal) store.Principal {
	p.PasswordHash = ""
	return p
}

// get loads a principal, turning "not found" into a Graph 404.
func get(ctx context.Context, tx store.Principals, id string) (store.Principal, error) {
	p, err := tx.GetPrincipal(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, notFound(id)
	}
	if err != nil {
		return p, fmt.Errorf("directory: get principal %s: %w", id, err)
	}
	return p, nil
}

package resources

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Syncer brings the RBAC index up to date with the store; the handler calls
// it after committing writes that delete principals or role assignments, so
// the next request already sees them gone.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Config holds the handler's dependencies.
type Config struct {
	Store store.Store
	Authz rbac.Authorizer
	Sync  Syncer // may be nil (tests without an index)
	// TenantID is rendered in identity blocks and vault properties.
	TenantID string
	// BaseURL is where data planes are served, e.g. https://127.0.0.1:8443.
	BaseURL string
	// Domain, when set, makes data-plane endpoints host-style
	// ({account}.blob.{Domain}, {vault}.vault.{Domain}).
	Domain string
	Now    func() time.Time
}

// Handler serves the resource manager's types.
type Handler struct {
	cfg Config
}

// New returns a handler; a nil Now means time.Now.
func New(cfg Config) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{cfg: cfg}
}

// Register mounts every resource-manager type on rt.
func (h *Handler) Register(rt *arm.Router) {
	h.registerSubscriptions(rt)
	h.registerGroups(rt)
	for _, k := range kinds() {
		h.registerKind(rt, k)
	}
	h.registerAppSettings(rt)
	h.registerFederated(rt)
}

func (h *Handler) registerKind(rt *arm.Router, k *kind) {
	rt.Handle(http.MethodGet, k.typ, k.versions, func(w http.ResponseWriter, r *arm.Request) { h.getResource(w, r, k) })
	rt.Handle(http.MethodPut, k.typ, k.versions, func(w http.ResponseWriter, r *arm.Request) { h.putResource(w, r, k) })
	rt.Handle(http.MethodPatch, k.typ, k.versions, func(w http.ResponseWriter, r *arm.Request) { h.patchResource(w, r, k) })
	rt.Handle(http.MethodDelete, k.typ, k.versions, func(w http.ResponseWriter, r *arm.Request) { h.deleteResource(w, r, k) })
	rt.HandleCollection(http.MethodGet, k.typ, k.versions, func(w http.ResponseWriter, r *arm.Request) { h.listResources(w, r, k) })
}

// sync refreshes the RBAC index after a committed write. The write stands
// even if this fails: the index also catches up from the change feed on its
// own, so the failure is logged rather than reported to the client.
func (h *Handler) sync(ctx context.Context) {
	if h.cfg.Sync == nil {
		return
	}
	if err := h.cfg.Sync.Sync(ctx); err != nil {
		slog.ErrorContext(ctx, "rbac sync after resource write failed", "err", err)
	}
}

func (h *Handler) now() time.Time { return h.cfg.Now().UTC() }

// list is ARM's list envelope.
type list[T any] struct {
	Value []T `json:"value"`
}

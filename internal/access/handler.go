package access

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Config holds the handler's dependencies.
type Config struct {
	Store store.Store
	Index *rbac.Index
	Now   func() time.Time
	// BaseURL is the server's external URL (reserved for nextLink paging).
	BaseURL string
}

// Handler serves the Microsoft.Authorization resource types and checkAccess.
type Handler struct {
	store   store.Store
	idx     *rbac.Index
	now     func() time.Time
	baseURL string
}

// New returns a handler; a nil Now means time.Now.
func New(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{store: cfg.Store, idx: cfg.Index, now: now, baseURL: cfg.BaseURL}
}

// API versions accepted per type (docs/rest-api.md).
var (
	assignmentVersions = []string{"2015-07-01", "2018-09-01-preview", "2020-04-01-preview", "2022-04-01"}
	definitionVersions = []string{"2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"}
	// permissionsVersions: the SDKs call permissions with these.
	permissionsVersions = []string{"2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"}
)

// Resource types.
const (
	typeAssignments = "Microsoft.Authorization/roleAssignments"
	typeDefinitions = "Microsoft.Authorization/roleDefinitions"
	typePermissions = "Microsoft.Authorization/permissions"
)

// Actions checked before acting.
const (
	actAssignmentRead   = "Microsoft.Authorization/roleAssignments/read"
	actAssignmentWrite  = "Microsoft.Authorization/roleAssignments/write"
	actAssignmentDelete = "Microsoft.Authorization/roleAssignments/delete"
	actDefinitionRead   = "Microsoft.Authorization/roleDefinitions/read"
	actDefinitionWrite  = "Microsoft.Authorization/roleDefinitions/write"
	actDefinitionDelete = "Microsoft.Authorization/roleDefinitions/delete"
)

// Register mounts role assignments, role definitions and permissions on rt.
func (h *Handler) Register(rt *arm.Router) {
	rt.Handle(http.MethodPut, typeAssignments, assignmentVersions, h.putAssignment)
	rt.Handle(http.MethodGet, typeAssignments, assignmentVersions, h.getAssignment)
	rt.Handle(http.MethodDelete, typeAssignments, assignmentVersions, h.deleteAssignment)
	rt.HandleCollection(http.MethodGet, typeAssignments, assignmentVersions, h.listAssignments)

	rt.Handle(http.MethodPut, typeDefinitions, definitionVersions, h.putDefinition)
	rt.Handle(http.MethodGet, typeDefinitions, definitionVersions, h.getDefinition)
	rt.Handle(http.MethodDelete, typeDefinitions, definitionVersions, h.deleteDefinition)
	rt.HandleCollection(http.MethodGet, typeDefinitions, definitionVersions, h.listDefinitions)

	rt.HandleCollection(http.MethodGet, typePermissions, permissionsVersions, h.listPermissions)
}

// Routes mounts Lanyard's explanation endpoint on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /lanyard/v1/checkAccess", h.checkAccess)
}

// caller returns the authenticated principal; the server's token middleware
// runs first, so a missing caller means the handler was mounted wrongly, and
// the request is refused rather than treated as anonymous.
func caller(r *http.Request) (authn.Caller, error) {
	c, ok := authn.FromContext(r.Context())
	if !ok || c.PrincipalID == "" {
		return authn.Caller{}, arm.Errorf(http.StatusUnauthorized, "AuthenticationFailed",
			"Authentication failed. The 'Authorization' header is missing or invalid.")
	}
	return c, nil
}

// authorize checks that the caller may perform action at scope.
func (h *Handler) authorize(r *http.Request, action, scope string) (authn.Caller, error) {
	c, err := caller(r)
	if err != nil {
		return c, err
	}
	return c, h.idx.Authorize(r.Context(), c, action, scope)
}

// synced brings the index up to date after a committed write, so the next
// request (on this replica) sees it. The write itself has succeeded; a sync
// failure is logged, and the index's own background sync will catch up.
func (h *Handler) synced(ctx context.Context) {
	if err := h.idx.Sync(ctx); err != nil {
		slog.ErrorContext(ctx, "rbac index sync after write failed", "err", err)
	}
}

// deleted answers a DELETE whose transaction returned err: nothing there is
// 204, as ARM's idempotent delete is; a failure is its error; a deletion
// syncs the index and answers 200 with body(), the record as it was.
func (h *Handler) deleted(w http.ResponseWriter, r *arm.Request, err error, body func() any) {
	if errors.Is(err, store.ErrNotFound) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.synced(r.Context())
	arm.WriteJSON(w, http.StatusOK, body())
}

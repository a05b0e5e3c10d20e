package blob

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/blobstore"
	"github.com/lanyardhq/lanyard/internal/dataplane"
)

// The actions Azure checks for blob-service requests made with an OAuth
// token. Source: the "Permissions" section of each operation's page in
// Microsoft's Blob service REST reference (learn.microsoft.com/rest/api/
// storageservices, e.g. "Create Container", "Put Blob", "List Containers"),
// which names the RBAC action and the least-privileged built-in role:
//
//	List Containers, Get Container Properties/Metadata  …/blobServices/containers/read    (action)
//	Create Container, Set Container Metadata            …/blobServices/containers/write   (action)
//	Delete Container                                    …/blobServices/containers/delete  (action)
//	List Blobs, Get Blob, Get Blob Properties/Metadata,
//	Get Block List                                      …/containers/blobs/read           (data action)
//	Put Blob, Put Block List (new blob), Put Block      …/containers/blobs/add/action or …/blobs/write
//	Put Blob/Put Block List over an existing blob,
//	Set Blob Metadata/Properties                        …/containers/blobs/write
//	Delete Blob                                         …/containers/blobs/delete
//
// The container operations are control-plane actions (the "Actions" of
// Storage Blob Data Reader/Contributor/Owner), which is why Reader can list
// containers and Contributor can create and delete them. A caller with
// add/action but not write who tries to overwrite gets Azure's 403
// UnauthorizedBlobOverwrite.
const (
	containersRead   = "Microsoft.Storage/storageAccounts/blobServices/containers/read"
	containersWrite  = "Microsoft.Storage/storageAccounts/blobServices/containers/write"
	containersDelete = "Microsoft.Storage/storageAccounts/blobServices/containers/delete"
	blobsRead        = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
	blobsWrite       = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
	blobsAdd         = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"
	blobsDelete      = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"
)

// containerScope is where blob data actions are evaluated: Azure checks
// them at the container, so assignments there and above all count.
func (q *request) containerScope() string {
	return q.account.ID + "/blobServices/default/containers/" + q.t.container
}

// scope is the container's scope, or the account's for account-level
// operations (List Containers).
func (q *request) scope() string {
	if q.t.container == "" {
		return q.account.ID
	}
	return q.containerScope()
}

// authorizeData checks a data action at the request's scope.
func (h *Handler) authorizeData(q *request, action string) error {
	return denied(h.cfg.Guard.Authorize(q.caller, action, q.scope()))
}

// authorizeContainer checks a container action (see the table above).
func (h *Handler) authorizeContainer(q *request, action string) error {
	return denied(h.cfg.Guard.AuthorizeAction(q.caller, action, q.scope()))
}

// denied renders a denial as Storage's 403; nil stays nil.
func denied(d *dataplane.Denied) error {
	if d == nil {
		return nil
	}
	return &StorageError{Status: http.StatusForbidden, Code: "AuthorizationPermissionMismatch", Message: d.Message(), Err: d}
}

// authorizeCreate is Put Blob's and Put Block List's check: blobs/write
// may create or overwrite; blobs/add/action alone may only create, which
// the returned Precondition enforces atomically with the write.
func (h *Handler) authorizeCreate(q *request) (blobstore.Precondition, error) {
	g, sc := h.cfg.Guard, q.scope()
	if g.Allowed(q.caller, blobsWrite, sc) {
		return nil, nil
	}
	if g.Allowed(q.caller, blobsAdd, sc) {
		return func(cur *blobstore.Blob) error {
			if cur != nil {
				return errOverwrite
			}
			return nil
		}, nil
	}
	return nil, h.authorizeData(q, blobsWrite)
}

// authorizeStage is Put Block's check: either action may stage.
func (h *Handler) authorizeStage(q *request) error {
	if h.cfg.Guard.Allowed(q.caller, blobsAdd, q.scope()) {
		return nil
	}
	return h.authorizeData(q, blobsWrite)
}

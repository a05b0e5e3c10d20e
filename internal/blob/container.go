package blob

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

func (h *Handler) createContainer(q *request) error {
	if err := h.authorizeContainer(q, containersWrite); err != nil {
		return err
	}
	if v := q.r.Header.Get("x-ms-blob-public-access"); v != "" {
		// Lanyard never serves anonymous reads.
		return serr(http.StatusConflict, "PublicAccessNotPermitted", "Public access is not permitted on this storage account.")
	}
	md, bad := parseMetadata(q.r.Header)
	if bad != nil {
		return bad
	}
	c, err := h.cfg.Store.CreateContainer(q.r.Context(), q.acct, q.t.container, md)
	if err != nil {
		return err
	}
	setContainerWritten(q.w.Header(), c)
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

func (h *Handler) deleteContainer(q *request) error {
	cond, err := conditionsAfter(h.authorizeContainer(q, containersDelete), q.r)
	if err != nil {
		return err
	}
	if err := h.cfg.Store.DeleteContainer(q.r.Context(), q.acct, q.t.container, cond.container()); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusAccepted)
	return nil
}

// getContainer is Get Container Properties and Get Container Metadata.
func (h *Handler) getContainer(q *request) error {
	if err := h.authorizeContainer(q, containersRead); err != nil {
		return err
	}
	c, err := h.cfg.Store.GetContainer(q.r.Context(), q.acct, q.t.container)
	if err != nil {
		return err
	}
	hd := q.w.Header()
	hd.Set("ETag", c.ETag)
	hd.Set("Last-Modified", httpTime(c.LastModified))
	hd.Set("x-ms-lease-state", "available")
	hd.Set("x-ms-lease-status", "unlocked")
	hd.Set("x-ms-has-immutability-policy", "false")
	hd.Set("x-ms-has-legal-hold", "false")
	writeMetadata(hd, c.Metadata)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (h *Handler) setContainerMetadata(q *request) error {
	cond, md, err := metadataInput(h.authorizeContainer(q, containersWrite), q.r)
	if err != nil {
		return err
	}
	c, err := h.cfg.Store.SetContainerMetadata(q.r.Context(), q.acct, q.t.container, md, cond.container())
	if err != nil {
		return err
	}
	setContainerWritten(q.w.Header(), c)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func setContainerWritten(h http.Header, c blobstore.Container) {
	h.Set("ETag", c.ETag)
	h.Set("Last-Modified", httpTime(c.LastModified))
}

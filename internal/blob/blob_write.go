package blob

import (
	"net/http"
)

func (h *Handler) setBlobMetadata(q *request) error {
	cond, md, err := metadataInput(h.authorizeData(q, blobsWrite), q.r)
	if err != nil {
		return err
	}
	b, err := h.cfg.Store.SetMetadata(q.r.Context(), q.acct, q.t.container, q.t.blob, md, cond.blob(nil))
	if err != nil {
		return err
	}
	setWritten(q.w.Header(), b)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// setBlobProperties replaces all HTTP properties: one not sent is cleared,
// as in Azure.
func (h *Handler) setBlobProperties(q *request) error {
	cond, err := conditionsAfter(h.authorizeData(q, blobsWrite), q.r)
	if err != nil {
		return err
	}
	hs, bad := blobHeaders(q.r, false)
	if bad != nil {
		return bad
	}
	b, err := h.cfg.Store.SetHeaders(q.r.Context(), q.acct, q.t.container, q.t.blob, hs, cond.blob(nil))
	if err != nil {
		return err
	}
	setWritten(q.w.Header(), b)
	q.w.Header().Del("x-ms-request-server-encrypted")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (h *Handler) deleteBlob(q *request) error {
	cond, err := conditionsAfter(h.authorizeData(q, blobsDelete), q.r)
	if err != nil {
		return err
	}
	if err := h.cfg.Store.DeleteBlob(q.r.Context(), q.acct, q.t.container, q.t.blob, cond.blob(nil)); err != nil {
		return err
	}
	q.w.Header().Set("x-ms-delete-type-permanent", "true")
	q.w.WriteHeader(http.StatusAccepted)
	return nil
}

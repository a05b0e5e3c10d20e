package blob

import (
	"net/http"
)

func (h *Handler) setBlobMetadata(q *request) error {
	if err := h.authorizeData(q, blobsWrite); err != nil {
		return err
	}
	cond, bad := parseConditions(q.r)
	if bad != nil {
		return bad
	}
	md, bad := parseMetadata(q.r.Header)
	if bad != nil {
		return bad
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
	if err := h.authorizeData(q, blobsWrite); err != nil {
		return err
	}
	cond, bad := parseConditions(q.r)
	if bad != nil {
		return bad
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
	if err := h.authorizeData(q, blobsDelete); err != nil {
		return err
	}
	cond, bad := parseConditions(q.r)
	if bad != nil {
		return bad
	}
	if err := h.cfg.Store.DeleteBlob(q.r.Context(), q.acct, q.t.container, q.t.blob, cond.blob(nil)); err != nil {
		return err
	}
	q.w.Header().Set("x-ms-delete-type-permanent", "true")
	q.w.WriteHeader(http.StatusAccepted)
	return nil
}

package blob

import (
	"encoding/base64"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// putBlob is Put Blob (block blobs only).
func (h *Handler) putBlob(q *request) error {
	if t := q.r.Header.Get("x-ms-blob-type"); t != "BlockBlob" {
		if t == "" {
			return badRequest("MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified.")
		}
		return badRequest("InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format: x-ms-blob-type (only BlockBlob is supported).")
	}
	addOnly, err := h.authorizeCreate(q)
	if err != nil {
		return err
	}
	size, bad := contentLength(q.r, blobstore.MaxPutBlobSize)
	if bad != nil {
		return bad
	}
	cond, hs, md, err := contentInput(q.r, true)
	if err != nil {
		return err
	}
	b, err := h.cfg.Store.PutBlob(q.r.Context(), q.acct, q.t.container, q.t.blob, q.r.Body, size, hs, md, cond.blob(addOnly))
	if err != nil {
		return err
	}
	setWritten(q.w.Header(), b)
	if len(b.Headers.ContentMD5) > 0 {
		q.w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(b.Headers.ContentMD5))
	}
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

var errBlockID = badRequest("InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid: blockid.")

// decodeBlockID decodes a base64 block ID of 1..64 bytes.
func decodeBlockID(s string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || len(b) > blobstore.MaxBlockIDBytes {
		return "", false
	}
	return string(b), true
}

// putBlock is Put Block: staging needs blobs/write or blobs/add/action.
func (h *Handler) putBlock(q *request) error {
	id, ok := decodeBlockID(q.r.URL.Query().Get("blockid"))
	if !ok {
		return errBlockID
	}
	if err := h.authorizeStage(q); err != nil {
		return err
	}
	size, bad := contentLength(q.r, blobstore.MaxBlockSize)
	if bad != nil {
		return bad
	}
	sum, bad := parseMD5(q.r.Header.Get("Content-MD5"))
	if bad != nil {
		return bad
	}
	if err := h.cfg.Store.PutBlock(q.r.Context(), q.acct, q.t.container, q.t.blob, id, q.r.Body, size, sum); err != nil {
		return err
	}
	if sum != nil {
		q.w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
	}
	q.w.Header().Set("x-ms-request-server-encrypted", "true")
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

func (h *Handler) putBlockList(q *request) error {
	addOnly, err := h.authorizeCreate(q)
	if err != nil {
		return err
	}
	list, bad := parseBlockList(q.w, q.r)
	if bad != nil {
		return bad
	}
	cond, hs, md, err := contentInput(q.r, false)
	if err != nil {
		return err
	}
	b, err := h.cfg.Store.PutBlockList(q.r.Context(), q.acct, q.t.container, q.t.blob, list, hs, md, cond.blob(addOnly))
	if err != nil {
		return err
	}
	setWritten(q.w.Header(), b)
	q.w.WriteHeader(http.StatusCreated)
	return nil
}

package blob

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// The headers several operations read, parsed in one place so that each
// operation reads them in the same order and reports the same first error.

// conditionsAfter parses r's conditional headers once authz, the outcome
// of the operation's authorization check, is nil: a caller without the
// action learns nothing from how its headers parse.
func conditionsAfter(authz error, r *http.Request) (conditions, error) {
	if authz != nil {
		return conditions{}, authz
	}
	c, bad := parseConditions(r)
	if bad != nil {
		return conditions{}, bad
	}
	return c, nil
}

// metadataInput is Set Container Metadata's and Set Blob Metadata's
// input, read once authz is nil: conditions, then x-ms-meta-* headers.
func metadataInput(authz error, r *http.Request) (conditions, map[string]string, error) {
	cond, err := conditionsAfter(authz, r)
	if err != nil {
		return conditions{}, nil, err
	}
	md, bad := parseMetadata(r.Header)
	if bad != nil {
		return conditions{}, nil, bad
	}
	return cond, md, nil
}

// contentInput is what Put Blob and Put Block List read from their headers
// besides the content: conditions, the blob's HTTP properties (fallback as
// in blobHeaders) and its metadata, in that order.
func contentInput(r *http.Request, fallback bool) (conditions, blobstore.Headers, map[string]string, error) {
	cond, bad := parseConditions(r)
	if bad != nil {
		return conditions{}, blobstore.Headers{}, nil, bad
	}
	hs, bad := blobHeaders(r, fallback)
	if bad != nil {
		return conditions{}, blobstore.Headers{}, nil, bad
	}
	md, bad := parseMetadata(r.Header)
	if bad != nil {
		return conditions{}, blobstore.Headers{}, nil, bad
	}
	return cond, hs, md, nil
}

// openBlob authorizes a read and opens the blob under the request's
// conditions, which the store checks against the very version it serves.
func (h *Handler) openBlob(q *request) (blobstore.Reader, error) {
	cond, err := conditionsAfter(h.authorizeData(q, blobsRead), q.r)
	if err != nil {
		return nil, err
	}
	return h.cfg.Store.OpenBlob(q.r.Context(), q.acct, q.t.container, q.t.blob, cond.blob(nil))
}

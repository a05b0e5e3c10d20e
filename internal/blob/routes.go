package blob

import (
	"net/http"
	"strings"
)

var (
	errUnsupportedQuery = badRequest("UnsupportedQueryParameter", "One of the query parameters specified in the request URI is not supported.")
	errVerb             = serr(http.StatusMethodNotAllowed, "UnsupportedHttpVerb", "The resource doesn't support the specified HTTP verb.")
	errURI              = badRequest("InvalidUri", "The requested URI does not represent any resource on the server.")
)

// op is one REST operation; it authorizes itself, because some (Put Blob)
// decide which action to check only from the request.
type op func(h *Handler, q *request) error

// Operations by level, method and comp. Unknown combinations are refused
// before any authorization or storage is touched.
var (
	accountOps = map[string]op{
		"GET list": (*Handler).listContainers,
	}
	containerOps = map[string]op{
		"PUT ":          (*Handler).createContainer,
		"DELETE ":       (*Handler).deleteContainer,
		"GET ":          (*Handler).getContainer,
		"HEAD ":         (*Handler).getContainer,
		"GET metadata":  (*Handler).getContainer,
		"HEAD metadata": (*Handler).getContainer,
		"PUT metadata":  (*Handler).setContainerMetadata,
		"GET list":      (*Handler).listBlobs,
	}
	blobOps = map[string]op{
		"PUT ":           (*Handler).putBlob,
		"PUT block":      (*Handler).putBlock,
		"PUT blocklist":  (*Handler).putBlockList,
		"GET blocklist":  (*Handler).getBlockList,
		"GET ":           (*Handler).getBlob,
		"HEAD ":          (*Handler).getBlob,
		"GET metadata":   (*Handler).getBlobMetadata,
		"HEAD metadata":  (*Handler).getBlobMetadata,
		"PUT metadata":   (*Handler).setBlobMetadata,
		"PUT properties": (*Handler).setBlobProperties,
		"DELETE ":        (*Handler).deleteBlob,
	}
)

// route picks the operation from the path level, restype, comp and method.
func (h *Handler) route(q *request) error {
	v := q.r.URL.Query()
	restype, comp := v.Get("restype"), v.Get("comp")
	var ops map[string]op
	switch {
	case q.t.container == "":
		if restype != "" {
			return errUnsupportedQuery
		}
		ops = accountOps
	case q.t.blob == "":
		if restype != "container" {
			return errURI
		}
		ops = containerOps
	default:
		if restype != "" {
			return errUnsupportedQuery
		}
		ops = blobOps
	}
	if f, ok := ops[q.r.Method+" "+comp]; ok {
		return f(h, q)
	}
	for k := range ops {
		if _, c, _ := strings.Cut(k, " "); c == comp {
			return errVerb
		}
	}
	return errUnsupportedQuery
}

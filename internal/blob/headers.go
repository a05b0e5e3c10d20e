package blob

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

const metaPrefix = "X-Ms-Meta-"

// maxMetadata is Azure's limit on the total size of names and values.
const maxMetadata = 8 << 10

var errInvalidMetadata = badRequest("InvalidMetadata", "The metadata specified is invalid. It has characters that are not permitted.")

// parseMetadata collects x-ms-meta-* headers. net/http has canonicalised
// the names already ("x-ms-meta-my_key" arrives as "X-Ms-Meta-My_key"), so
// the case kept is that canonical form, which is also what azblob hands its
// caller. Names must be C# identifiers, as in Azure.
func parseMetadata(h http.Header) (map[string]string, *StorageError) {
	md := map[string]string{}
	total := 0
	for k, vs := range h {
		name, ok := strings.CutPrefix(k, metaPrefix)
		if !ok {
			continue
		}
		if !validMetadataName(name) {
			return nil, errInvalidMetadata
		}
		v := strings.Join(vs, ",")
		total += len(name) + len(v)
		md[name] = v
	}
	if total > maxMetadata {
		return nil, badRequest("MetadataTooLarge", "The size of the request metadata exceeds the maximum size permitted.")
	}
	return md, nil
}

func validMetadataName(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// writeMetadata sets x-ms-meta-<name> with the name's case as stored.
func writeMetadata(h http.Header, md map[string]string) {
	for k, v := range md {
		h["x-ms-meta-"+k] = []string{v}
	}
}

func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// setWritten sets the headers every successful write of a blob returns.
func setWritten(h http.Header, b blobstore.Blob) {
	h.Set("ETag", b.ETag)
	h.Set("Last-Modified", httpTime(b.LastModified))
	h.Set("x-ms-request-server-encrypted", "true")
}

// setBlobProperties sets the headers of Get Blob and Get Blob Properties.
func setBlobProperties(h http.Header, b blobstore.Blob) {
	h.Set("ETag", b.ETag)
	h.Set("Last-Modified", httpTime(b.LastModified))
	h.Set("x-ms-creation-time", httpTime(b.Created))
	h.Set("x-ms-blob-type", "BlockBlob")
	h.Set("x-ms-lease-state", "available")
	h.Set("x-ms-lease-status", "unlocked")
	h.Set("x-ms-server-encrypted", "true")
	h.Set("x-ms-access-tier", "Hot")
	h.Set("x-ms-access-tier-inferred", "true")
	h.Set("Accept-Ranges", "bytes")
	ct := b.Headers.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	for _, p := range []struct{ name, v string }{
		{"Content-Encoding", b.Headers.ContentEncoding},
		{"Content-Language", b.Headers.ContentLanguage},
		{"Content-Disposition", b.Headers.ContentDisposition},
		{"Cache-Control", b.Headers.CacheControl},
	} {
		if p.v != "" {
			h.Set(p.name, p.v)
		}
	}
	writeMetadata(h, b.Metadata)
}

// blobHeaders reads the blob's HTTP properties from x-ms-blob-content-*
// and x-ms-blob-cache-control. With fallback (Put Blob, whose body is the
// content) the request's own Content-* headers count too, as in Azure,
// and a Content-MD5 (which checks the body in transit) wins over
// x-ms-blob-content-md5: the engine verifies it against what it hashed and
// stores it. Put Block List's and Set Blob Properties' describe only the
// request.
func blobHeaders(r *http.Request, fallback bool) (blobstore.Headers, *StorageError) {
	get := func(ms, std string) string {
		if v := r.Header.Get(ms); v != "" || !fallback {
			return v
		}
		return r.Header.Get(std)
	}
	bh := blobstore.Headers{
		ContentType:        get("x-ms-blob-content-type", "Content-Type"),
		ContentEncoding:    get("x-ms-blob-content-encoding", "Content-Encoding"),
		ContentLanguage:    get("x-ms-blob-content-language", "Content-Language"),
		ContentDisposition: r.Header.Get("x-ms-blob-content-disposition"),
		CacheControl:       get("x-ms-blob-cache-control", "Cache-Control"),
	}
	md5, err := parseMD5(r.Header.Get("x-ms-blob-content-md5"))
	if err != nil {
		return bh, err
	}
	bh.ContentMD5 = md5
	if fallback {
		transport, err := parseMD5(r.Header.Get("Content-MD5"))
		if err != nil {
			return bh, err
		}
		if transport != nil {
			bh.ContentMD5 = transport
		}
	}
	return bh, nil
}

// parseMD5 decodes a base64 MD5 header ("" is none).
func parseMD5(v string) ([]byte, *StorageError) {
	if v == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != 16 {
		return nil, badRequest("InvalidMd5", "The MD5 value specified in the request is invalid. The MD5 value must be 128 bits and Base64-encoded.")
	}
	return b, nil
}

// contentLength returns a body's declared length, refusing a missing one
// (411) or one above limit (413).
func contentLength(r *http.Request, limit int64) (int64, *StorageError) {
	if r.ContentLength < 0 {
		return 0, serr(http.StatusLengthRequired, "MissingContentLengthHeader", "Content-Length HTTP header is missing.")
	}
	if r.ContentLength > limit {
		return 0, serr(http.StatusRequestEntityTooLarge, "RequestBodyTooLarge",
			"The request body is too large and exceeds the maximum permissible limit of "+strconv.FormatInt(limit, 10)+" bytes.")
	}
	return r.ContentLength, nil
}

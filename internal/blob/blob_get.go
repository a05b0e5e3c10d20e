package blob

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
)

// getBlob is Get Blob (GET) and Get Blob Properties (HEAD). The conditions
// are checked against the same snapshot that is then served.
func (h *Handler) getBlob(q *request) error {
	rd, err := h.openBlob(q)
	if err != nil {
		return err
	}
	defer rd.Close()
	b := rd.Blob()
	hd := q.w.Header()
	setBlobProperties(hd, b)
	md5 := ""
	if len(b.Headers.ContentMD5) > 0 {
		md5 = base64.StdEncoding.EncodeToString(b.Headers.ContentMD5)
	}
	if q.r.Method == http.MethodHead {
		hd.Set("Content-Length", strconv.FormatInt(b.Size, 10))
		if md5 != "" {
			hd.Set("Content-MD5", md5)
		}
		q.w.WriteHeader(http.StatusOK)
		return nil
	}
	br, ranged, unsatisfiable := parseRange(rangeHeader(q.r), b.Size)
	if unsatisfiable {
		hd.Set("Content-Range", "bytes */"+strconv.FormatInt(b.Size, 10))
		return serr(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The range specified is invalid for the current size of the resource.")
	}
	status := http.StatusOK
	if ranged {
		status = http.StatusPartialContent
		hd.Set("Content-Range", "bytes "+strconv.FormatInt(br.start, 10)+"-"+strconv.FormatInt(br.end, 10)+"/"+strconv.FormatInt(b.Size, 10))
		if md5 != "" {
			hd.Set("x-ms-blob-content-md5", md5)
		}
	} else {
		br = byteRange{start: 0, end: b.Size - 1}
		if md5 != "" {
			hd.Set("Content-MD5", md5)
		}
	}
	hd.Set("Content-Length", strconv.FormatInt(br.len(), 10))
	q.w.WriteHeader(status)
	if _, err := io.Copy(q.w, rd.Section(br.start, br.len())); err != nil {
		// Headers are gone; all that is left is to log and let the short
		// body tell the client (its retry reader resumes with If-Match).
		h.log.Debug("blob: body copy ended early", "request_id", hd.Get("x-ms-request-id"), "err", err)
	}
	return nil
}

// getBlobMetadata is Get Blob Metadata: the properties without content.
func (h *Handler) getBlobMetadata(q *request) error {
	rd, err := h.openBlob(q)
	if err != nil {
		return err
	}
	b := rd.Blob()
	rd.Close()
	hd := q.w.Header()
	hd.Set("ETag", b.ETag)
	hd.Set("Last-Modified", httpTime(b.LastModified))
	writeMetadata(hd, b.Metadata)
	q.w.WriteHeader(http.StatusOK)
	return nil
}

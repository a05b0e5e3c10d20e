package blob

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// StorageError is a failed request as a Storage client sees it. Code and
// Message are client-visible; Err is the cause, for logs only.
type StorageError struct {
	Status  int
	Code    string
	Message string
	Err     error
	// ETag is sent with a 304, which has no body to carry anything else.
	ETag string
}

func (e *StorageError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("blob: %d %s: %v", e.Status, e.Code, e.Err)
	}
	return fmt.Sprintf("blob: %d %s", e.Status, e.Code)
}

func (e *StorageError) Unwrap() error { return e.Err }

func serr(status int, code, msg string) *StorageError {
	return &StorageError{Status: status, Code: code, Message: msg}
}

func badRequest(code, msg string) *StorageError { return serr(http.StatusBadRequest, code, msg) }

// Errors used in more than one place.
var (
	errConditionNotMet = serr(http.StatusPreconditionFailed, "ConditionNotMet",
		"The condition specified using HTTP conditional header(s) is not met.")
	errBlobExists = serr(http.StatusConflict, "BlobAlreadyExists", "The specified blob already exists.")
	errOverwrite  = serr(http.StatusForbidden, "UnauthorizedBlobOverwrite",
		"This request is not authorized to perform blob overwrites.")
	errInternal = serr(http.StatusInternalServerError, "InternalError",
		"Server encountered an internal error. Please try again after some time.")
)

// storeErrors maps blobstore's sentinels to Azure's answers.
var storeErrors = []struct {
	err error
	out *StorageError
}{
	{blobstore.ErrContainerNotFound, serr(http.StatusNotFound, "ContainerNotFound", "The specified container does not exist.")},
	{blobstore.ErrContainerExists, serr(http.StatusConflict, "ContainerAlreadyExists", "The specified container already exists.")},
	{blobstore.ErrBlobNotFound, serr(http.StatusNotFound, "BlobNotFound", "The specified blob does not exist.")},
	{blobstore.ErrInvalidBlockList, badRequest("InvalidBlockList", "The specified block list is invalid.")},
	{blobstore.ErrBlockIDLength, badRequest("InvalidBlobOrBlock", "The specified blob or block content is invalid.")},
	{blobstore.ErrTooManyBlocks, serr(http.StatusConflict, "BlockCountExceedsLimit",
		"The committed block count cannot exceed the maximum limit of 50,000 blocks.")},
	{blobstore.ErrShortBody, badRequest("InvalidInput", "The request body is shorter than its Content-Length.")},
	{blobstore.ErrMD5Mismatch, badRequest("Md5Mismatch",
		"The MD5 value specified in the request did not match with the MD5 value calculated by the server.")},
}

// toStorageError classifies err: our own StorageError (possibly returned
// through blobstore by a Precondition), a blobstore sentinel, or an
// internal failure whose cause only the log sees.
func toStorageError(err error) *StorageError {
	var se *StorageError
	if errors.As(err, &se) {
		return se
	}
	for _, m := range storeErrors {
		if errors.Is(err, m.err) {
			out := *m.out
			out.Err = err
			return &out
		}
	}
	out := *errInternal
	out.Err = err
	return &out
}

// writeError is the one place errors are written: Azure's XML body and the
// x-ms-error-code header, which is all a HEAD response can carry.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	se := toStorageError(err)
	reqID := w.Header().Get("x-ms-request-id")
	switch {
	case se.Status >= 500 && !errors.Is(se.Err, context.Canceled):
		h.log.Error("blob: request failed", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", se.Err)
	case se.Err != nil:
		h.log.Debug("blob: request refused", "request_id", reqID, "code", se.Code, "err", se.Err)
	}
	hd := w.Header()
	hd.Set("x-ms-error-code", se.Code)
	if se.Status == http.StatusNotModified {
		if se.ETag != "" {
			hd.Set("ETag", se.ETag)
		}
		w.WriteHeader(se.Status)
		return
	}
	body := `<?xml version="1.0" encoding="utf-8"?><Error><Code>` + se.Code + `</Code><Message>` +
		xmlText(se.Message+"\nRequestId:"+reqID+"\nTime:"+h.now().UTC().Format("2006-01-02T15:04:05.0000000Z")) +
		`</Message></Error>`
	hd.Set("Content-Type", "application/xml")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(se.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(body))
	}
}

// xmlText escapes s for character data. Newlines stay literal, as in
// Azure's messages: xml.EscapeText would write them as "&#xA;", which
// @azure/core-xml does not decode, so JavaScript callers saw the reference.
// Other control characters are not allowed in XML 1.0 and become '?'.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0xFFFE || r == 0xFFFF {
			return '?'
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

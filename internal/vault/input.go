package vault

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"
)

// Azure Key Vault's limits.
const (
	maxNameLen        = 127
	maxValueBytes     = 25 * 1024
	maxContentTypeLen = 255
	maxTags           = 15
	maxTagNameLen     = 512
	maxTagValueLen    = 256
	// maxBody bounds a request body; a larger one is refused unread.
	maxBody = 1 << 20
	// maxEpoch is 9999-12-31T23:59:59Z: later instants cannot be stored.
	maxEpoch = 253402300799
)

// validName checks Key Vault's object-name rule: 1-127 of [0-9a-zA-Z-].
func validName(name string) *apiError {
	ok := name != "" && len(name) <= maxNameLen
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	if !ok {
		return badParameter("The secret name '%s' is invalid. It must be 1-127 characters long and contain only "+
			"the characters 0-9, a-z, A-Z and -.", truncate(name, maxNameLen+1))
	}
	return nil
}

// isVersion reports whether v is shaped like a version: 32 hex digits.
func isVersion(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := range len(v) {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// attributesIn is the writable part of "attributes"; created, updated and
// the recovery fields are the server's and ignored if sent.
type attributesIn struct {
	Enabled   *bool  `json:"enabled"`
	NotBefore *int64 `json:"nbf"`
	Expires   *int64 `json:"exp"`
}

// secretIn is the body of Set (value required) and Update (value ignored).
type secretIn struct {
	Value       *string           `json:"value"`
	ContentType *string           `json:"contentType"`
	Attributes  *attributesIn     `json:"attributes"`
	Tags        map[string]string `json:"tags"`
}

// decode reads a JSON body of at most maxBody bytes into v.
func decode(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if r.ContentLength > maxBody {
		return errorf(http.StatusRequestEntityTooLarge, "BadParameter", "The request body exceeds %d bytes.", maxBody)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errorf(http.StatusRequestEntityTooLarge, "BadParameter", "The request body exceeds %d bytes.", maxBody)
	case errors.Is(err, io.EOF):
		return badParameter("The request body is empty; a JSON object is required.")
	case err != nil:
		return badParameter("The request body is not valid JSON for this operation.")
	}
	return nil
}

// validate checks in against Azure's limits; set says a value is required.
func (in *secretIn) validate(set bool) *apiError {
	if set {
		if in.Value == nil {
			return badParameter("The parameter 'value' is required.")
		}
		if len(*in.Value) > maxValueBytes {
			return badParameter("The secret value is %d bytes; the maximum is %d bytes.", len(*in.Value), maxValueBytes)
		}
	}
	if in.ContentType != nil && utf8.RuneCountInString(*in.ContentType) > maxContentTypeLen {
		return badParameter("The content type may have at most %d characters.", maxContentTypeLen)
	}
	if len(in.Tags) > maxTags {
		return badParameter("At most %d tags are allowed; the request has %d.", maxTags, len(in.Tags))
	}
	for k, v := range in.Tags {
		if k == "" || utf8.RuneCountInString(k) > maxTagNameLen {
			return badParameter("Tag names must have 1-%d characters.", maxTagNameLen)
		}
		if utf8.RuneCountInString(v) > maxTagValueLen {
			return badParameter("Tag values may have at most %d characters.", maxTagValueLen)
		}
	}
	if a := in.Attributes; a != nil {
		for _, t := range []*int64{a.NotBefore, a.Expires} {
			if t != nil && (*t < 0 || *t > maxEpoch) {
				return badParameter("The attributes 'nbf' and 'exp' must be Unix times between 0 and %d.", maxEpoch)
			}
		}
	}
	return nil
}

// epoch is an attribute time; nil leaves old unchanged.
func epoch(t *int64, old time.Time) time.Time {
	if t == nil {
		return old
	}
	return time.Unix(*t, 0).UTC()
}

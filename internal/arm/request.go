package arm

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// MaxBody bounds request bodies; ARM's own limit is 4 MB, ours is smaller
// because no Lanyard resource needs more.
const MaxBody = 1 << 20

// DecodeBody decodes the JSON request body into v. An empty, oversized or
// malformed body is a 400 with ARM's codes. Unknown fields are ignored, as
// ARM does.
func DecodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is larger than %d bytes.", MaxBody)
		}
		return BadRequest("InvalidRequestContent", "The request body could not be read.")
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return BadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty.")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return BadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: %v.", err)
	}
	return nil
}

var versionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview|-beta|-privatepreview)?$`)

// CheckAPIVersion requires the api-version query parameter and, if supported
// is non-empty, one of those values. Messages follow ARM's.
func CheckAPIVersion(r *http.Request, resourceType string, supported []string) error {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		return BadRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
	}
	if !versionRE.MatchString(v) {
		return BadRequest("InvalidApiVersionParameter", "The api-version '%s' is invalid. The supported versions are '%s'.", v, strings.Join(supported, ","))
	}
	if len(supported) == 0 {
		return nil
	}
	for _, s := range supported {
		if s == v {
			return nil
		}
	}
	return BadRequest("NoRegisteredProviderFound", "No registered resource provider found for location 'global' and API version '%s' for type '%s'. The supported api-versions are '%s'.", v, resourceType, strings.Join(supported, ", "))
}

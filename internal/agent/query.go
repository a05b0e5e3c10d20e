package agent

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// selKind says how a request names a user-assigned identity.
type selKind uint8

const (
	selNone selKind = iota
	selClientID
	selObjectID
	selResourceID
)

// tokenQuery is a parsed token request query string.
type tokenQuery struct {
	apiVersion string
	hasVersion bool
	audience   string // resource with "/.default" stripped
	kind       selKind
	selector   string
}

// queryError is a refused query; invalidResource distinguishes a bad
// resource (IMDS: invalid_resource) from other malformed input.
type queryError struct {
	msg             string
	invalidResource bool
}

const maxParam = 2048

// parseTokenQuery parses raw by hand rather than with url.ParseQuery so
// that repeated parameters are refused (a proxy and the agent could
// otherwise disagree on which value counts) and a cache hit allocates
// nothing for the query's map. selectors maps the protocol's selector
// names to their kinds; unknown parameters are ignored, as MSAL keeps any
// query already present in IDENTITY_ENDPOINT.
func parseTokenQuery(raw string, selectors map[string]selKind) (tokenQuery, *queryError) {
	var q tokenQuery
	var seenResource bool
	var selName string
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if strings.IndexByte(part, ';') >= 0 {
			return q, &queryError{msg: "invalid query string: ';' is not a separator"}
		}
		if part == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(part, "=")
		key, err := unescape(rawKey)
		if err != nil {
			return q, &queryError{msg: "invalid query string: bad escape"}
		}
		val, err := unescape(rawVal)
		if err != nil {
			return q, &queryError{msg: "invalid query string: bad escape in " + printable(key)}
		}
		switch key {
		case "api-version":
			if q.hasVersion {
				return q, &queryError{msg: "api-version is repeated"}
			}
			q.apiVersion, q.hasVersion = val, true
		case "resource":
			if seenResource {
				return q, &queryError{msg: "resource is repeated", invalidResource: true}
			}
			q.audience, seenResource = val, true
		default:
			kind, ok := selectors[key]
			if !ok {
				continue
			}
			if q.kind != selNone {
				if key == selName {
					return q, &queryError{msg: key + " is repeated"}
				}
				return q, &queryError{msg: "only one of " + selectorList(selectors) + " may be given"}
			}
			if !validParam(val) {
				return q, &queryError{msg: key + " is empty or malformed"}
			}
			q.kind, q.selector, selName = kind, val, key
		}
	}
	if !seenResource {
		return q, &queryError{msg: "resource is required", invalidResource: true}
	}
	q.audience = strings.TrimSuffix(q.audience, "/.default")
	if !validParam(q.audience) {
		return q, &queryError{msg: "resource is empty or malformed", invalidResource: true}
	}
	return q, nil
}

// unescape avoids url.QueryUnescape's work when there is nothing to undo.
func unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// validParam accepts non-empty, bounded, valid UTF-8 without spaces or
// control characters: no audience or identity name contains them, and
// refusing them keeps them out of responses and logs.
func validParam(s string) bool {
	if s == "" || len(s) > maxParam || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// printable bounds a client-supplied name echoed in an error message.
func printable(s string) string {
	if len(s) > 64 || !validParam(s) {
		return "a parameter"
	}
	return s
}

func selectorList(selectors map[string]selKind) string {
	if _, ok := selectors["msi_res_id"]; ok {
		return "client_id, object_id, msi_res_id"
	}
	return "client_id, object_id, principal_id, mi_res_id"
}

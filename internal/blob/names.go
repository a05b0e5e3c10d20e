package blob

import (
	"strings"
	"unicode/utf8"
)

// maxBlobName is Azure's limit on a blob name, in characters.
const maxBlobName = 1024

// target is what a request's path names below the account.
type target struct {
	container string // "" for the account itself
	blob      string // "" for the account or a container
}

// splitPath splits the decoded path below the account ("/", "/c",
// "/c/dir/b.txt") and validates both names. azblob sends '/' inside a blob
// name as %2F; the server decodes it, so "/c/dir%2Fb" and "/c/dir/b" name
// the same blob.
func splitPath(p string) (target, *StorageError) {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return target{}, nil
	}
	c, b, _ := strings.Cut(p, "/")
	if !validContainerName(c) {
		return target{}, badRequest("InvalidResourceName", "The specifed resource name contains invalid characters.")
	}
	if b == "" {
		return target{container: c}, nil
	}
	if !validBlobName(b) {
		return target{}, badRequest("InvalidResourceName", "The specifed resource name contains invalid characters.")
	}
	return target{container: c, blob: b}, nil
}

// validContainerName: 3-63 characters of lower-case letters, digits and
// hyphens; starts and ends with a letter or digit; no "--". ($root and
// $logs are not supported.)
func validContainerName(s string) bool {
	if len(s) < 3 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// validBlobName: 1-1024 characters of valid UTF-8 without control
// characters, and no "." or ".." path segment. Azure would normalise such
// segments away; refusing them means no name can ever climb out of its
// container, whatever a later layer does with it.
func validBlobName(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxBlobName {
		return false
	}
	for _, r := range s {
		// U+FFFE and U+FFFF cannot appear in the XML of List Blobs.
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError || r == 0xfffe || r == 0xffff {
			return false
		}
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

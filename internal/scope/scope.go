package scope

import (
	"errors"
	"fmt"
	"strings"
)

// MaxLength bounds an ID; ARM itself rejects request URLs far shorter.
const MaxLength = 2048

// MaxDepth bounds the number of scopes on the path from the root to an ID
// (subscription, group, and up to 13 nested resource levels).
const MaxDepth = 16

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid resource ID")

// Segment is one typed level below a provider: {Namespace}/{Type}/{Name}.
// Namespace is set on the first segment after each "providers" keyword and
// inherited (copied) by the nested segments that follow it.
type Segment struct {
	Namespace string
	Type      string
	Name      string
	// Extension marks a segment that starts a new "providers/{ns}" block after
	// another resource: an extension resource such as a role assignment.
	Extension bool
}

// ID is a parsed resource ID or scope. The zero ID is the root scope "/".
type ID struct {
	Subscription  string
	ResourceGroup string
	Segments      []Segment
}

// Root is the tenant root scope "/".
var Root = ID{}

// Parse parses an absolute resource ID or scope. Keywords ("subscriptions",
// "resourceGroups", "providers") are matched case-insensitively, as ARM does;
// names keep their case. A trailing slash is tolerated.
func Parse(s string) (ID, error) {
	id, coll, err := parse(s)
	if err != nil {
		return ID{}, err
	}
	if coll != "" {
		return ID{}, invalid(s, "ends with a resource type without a name")
	}
	return id, nil
}

// ParseCollection parses a path that may end with a resource type and no name,
// such as ".../providers/Microsoft.Web/sites" or "/subscriptions/s/resourcegroups".
// It returns the parent ID and the collection type ("" when the path is a
// complete ID). For a provider collection the type is "{ns}/{type}".
func ParseCollection(s string) (ID, string, error) {
	return parse(s)
}

func invalid(s, why string) error {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return fmt.Errorf("%w %q: %s", ErrInvalid, s, why)
}

func parse(s string) (ID, string, error) {
	if len(s) > MaxLength {
		return ID{}, "", invalid(s, fmt.Sprintf("longer than %d characters", MaxLength))
	}
	if s == "" || s[0] != '/' {
		return ID{}, "", invalid(s, "must start with '/'")
	}
	body := strings.TrimSuffix(s[1:], "/")
	if body == "" {
		return ID{}, "", nil
	}
	parts := strings.Split(body, "/")
	for _, p := range parts {
		if err := checkName(p); err != nil {
			return ID{}, "", invalid(s, err.Error())
		}
	}
	var id ID
	i := 0
	if strings.EqualFold(parts[0], "subscriptions") {
		if len(parts) == 1 {
			return id, "Microsoft.Resources/subscriptions", nil
		}
		id.Subscription = parts[1]
		i = 2
		if i < len(parts) && strings.EqualFold(parts[i], "resourceGroups") {
			if i+1 == len(parts) {
				return id, "Microsoft.Resources/resourceGroups", nil
			}
			id.ResourceGroup = parts[i+1]
			i += 2
		}
	}
	ns := ""
	for i < len(parts) {
		ext := false
		if strings.EqualFold(parts[i], "providers") {
			if i+1 >= len(parts) {
				return ID{}, "", invalid(s, "'providers' without a namespace")
			}
			ns = parts[i+1]
			if !validNamespace(ns) {
				return ID{}, "", invalid(s, fmt.Sprintf("bad provider namespace %q", ns))
			}
			ext = len(id.Segments) > 0
			i += 2
		} else if ns == "" {
			return ID{}, "", invalid(s, fmt.Sprintf("unexpected segment %q", parts[i]))
		}
		if i >= len(parts) {
			return ID{}, "", invalid(s, "provider namespace without a resource type")
		}
		typ := parts[i]
		if i+1 >= len(parts) {
			full := ns + "/" + typ
			if !ext && len(id.Segments) > 0 {
				full = id.Segments[len(id.Segments)-1].fullType(id.Segments) + "/" + typ
			}
			return id, full, nil
		}
		id.Segments = append(id.Segments, Segment{Namespace: ns, Type: typ, Name: parts[i+1], Extension: ext})
		i += 2
	}
	return id, "", nil
}

func checkName(p string) error {
	if p == "" {
		return errors.New("empty segment")
	}
	if p == "." || p == ".." {
		return errors.New("'.' and '..' are not names")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x20 || c == 0x7f || c == '?' || c == '#' || c == '\\' {
			return fmt.Errorf("segment %q has a forbidden character", p)
		}
	}
	return nil
}

func validNamespace(ns string) bool {
	if ns == "" || len(ns) > 128 {
		return false
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

package scope

import "strings"

// IsRoot reports whether id is the tenant root "/".
func (id ID) IsRoot() bool {
	return id.Subscription == "" && len(id.Segments) == 0
}

// String renders id canonically: ARM's keyword casing, names as given.
func (id ID) String() string {
	if id.IsRoot() {
		return "/"
	}
	var b strings.Builder
	if id.Subscription != "" {
		b.WriteString("/subscriptions/")
		b.WriteString(id.Subscription)
		if id.ResourceGroup != "" {
			b.WriteString("/resourceGroups/")
			b.WriteString(id.ResourceGroup)
		}
	}
	for i, s := range id.Segments {
		if i == 0 || s.Extension {
			b.WriteString("/providers/")
			b.WriteString(s.Namespace)
		}
		b.WriteByte('/')
		b.WriteString(s.Type)
		b.WriteByte('/')
		b.WriteString(s.Name)
	}
	return b.String()
}

// Key is the case-insensitive identity of id: its canonical form in lower
// case. Stores and the RBAC index compare keys, never raw strings.
func (id ID) Key() string { return strings.ToLower(id.String()) }

// KeyOf parses s and returns its key.
func KeyOf(s string) (string, error) {
	id, err := Parse(s)
	if err != nil {
		return "", err
	}
	return id.Key(), nil
}

// Name is the last name in id: the resource's, the group's or the subscription's.
func (id ID) Name() string {
	switch {
	case len(id.Segments) > 0:
		return id.Segments[len(id.Segments)-1].Name
	case id.ResourceGroup != "":
		return id.ResourceGroup
	default:
		return id.Subscription
	}
}

// Type is id's resource type: "Microsoft.Resources/subscriptions",
// "Microsoft.Resources/resourceGroups", "Microsoft.Web/sites" or a nested type
// such as "Microsoft.Storage/storageAccounts/blobServices/containers". The root
// has type "".
func (id ID) Type() string {
	switch {
	case len(id.Segments) > 0:
		return id.Segments[len(id.Segments)-1].fullType(id.Segments)
	case id.ResourceGroup != "":
		return "Microsoft.Resources/resourceGroups"
	case id.Subscription != "":
		return "Microsoft.Resources/subscriptions"
	}
	return ""
}

// fullType renders the type of the last of segs (which must end with s),
// walking back to the segment that opened its provider block.
func (s Segment) fullType(segs []Segment) string {
	start := len(segs) - 1
	for start > 0 && !segs[start].Extension {
		start--
	}
	var b strings.Builder
	b.WriteString(segs[start].Namespace)
	for _, t := range segs[start:] {
		b.WriteByte('/')
		b.WriteString(t.Type)
	}
	return b.String()
}

// Parent returns the scope directly containing id (the root's parent is
// itself, with ok false).
func (id ID) Parent() (ID, bool) {
	switch {
	case len(id.Segments) > 0:
		p := id
		p.Segments = id.Segments[: len(id.Segments)-1 : len(id.Segments)-1]
		return p, true
	case id.ResourceGroup != "":
		return ID{Subscription: id.Subscription}, true
	case id.Subscription != "":
		return Root, true
	}
	return Root, false
}

// Contains reports whether id is other or one of other's ancestors.
func (id ID) Contains(other ID) bool { return ContainsKey(id.Key(), other.Key()) }

// ContainsKey reports whether the scope with key outer contains (or equals)
// the scope with key inner. Both must be keys (canonical, lower case).
func ContainsKey(outer, inner string) bool {
	if outer == "/" || outer == inner {
		return true
	}
	return len(inner) > len(outer) && inner[len(outer)] == '/' && inner[:len(outer)] == outer
}

// Extension splits an extension resource ID such as
// "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}" into the
// scope it is attached to and its own last segment.
func (id ID) Extension() (scope ID, ext Segment, ok bool) {
	n := len(id.Segments)
	if n == 0 {
		return ID{}, Segment{}, false
	}
	last := id.Segments[n-1]
	if n == 1 || last.Extension {
		p := id
		p.Segments = id.Segments[: n-1 : n-1]
		return p, last, true
	}
	return ID{}, Segment{}, false
}

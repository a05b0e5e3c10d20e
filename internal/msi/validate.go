package msi

import (
	"strings"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/scope"
)

// Resource types that may ask for tokens.
const (
	typeSites = "Microsoft.Web/sites"
	typeVM    = "Microsoft.Compute/virtualMachines"
	typeUAI   = "Microsoft.ManagedIdentity/userAssignedIdentities"
)

// maxAudience bounds the audience, as the token endpoint bounds scopes.
const maxAudience = 512

// selector is the identity a request names; the zero selector names the
// system-assigned identity.
type selector struct {
	clientID, objectID string // lower-case GUIDs
	miKey              string // identity resource ID key
}

func (sel selector) none() bool { return sel == selector{} }

// checkRequest validates req before anything is read, and returns the asking
// resource's parsed ID and the selector. Echoed values are those the host
// sent, bounded in length.
func checkRequest(req fabric.TokenRequest) (scope.ID, selector, *fabric.Error) {
	var sel selector
	id, ferr := parseOwner(req.Resource, fabric.CodeInvalidRequest)
	if ferr != nil {
		return id, sel, ferr
	}
	if !validAudience(req.Audience) {
		return id, sel, fabric.Errorf(fabric.CodeInvalidResource,
			"The resource '%s' is not valid: expected an absolute URI such as https://storage.azure.com or an application ID (GUID), at most %d bytes.",
			clip(req.Audience), maxAudience)
	}
	n := 0
	for _, v := range []string{req.ClientID, req.ObjectID, req.MIResourceID} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return id, sel, fabric.Errorf(fabric.CodeInvalidRequest,
			"Only one of client_id, object_id and mi_res_id may be given.")
	}
	switch {
	case req.ClientID != "":
		if !scope.IsGUID(req.ClientID) {
			return id, sel, fabric.Errorf(fabric.CodeInvalidRequest, "The client_id '%s' is not a GUID.", clip(req.ClientID))
		}
		sel.clientID = strings.ToLower(req.ClientID)
	case req.ObjectID != "":
		if !scope.IsGUID(req.ObjectID) {
			return id, sel, fabric.Errorf(fabric.CodeInvalidRequest, "The object_id '%s' is not a GUID.", clip(req.ObjectID))
		}
		sel.objectID = strings.ToLower(req.ObjectID)
	case req.MIResourceID != "":
		mi, err := scope.Parse(req.MIResourceID)
		if err != nil || mi.ResourceGroup == "" || len(mi.Segments) != 1 || !strings.EqualFold(mi.Type(), typeUAI) {
			return id, sel, fabric.Errorf(fabric.CodeInvalidRequest,
				"The mi_res_id '%s' is not the resource ID of a user-assigned identity.", clip(req.MIResourceID))
		}
		sel.miKey = mi.Key()
	}
	return id, sel, nil
}

// parseOwner parses the ID of a resource that can own identities on a host:
// an app or a VM, directly in a resource group.
func parseOwner(s, code string) (scope.ID, *fabric.Error) {
	id, err := scope.Parse(s)
	if err != nil || id.ResourceGroup == "" || len(id.Segments) != 1 ||
		!(strings.EqualFold(id.Type(), typeSites) || strings.EqualFold(id.Type(), typeVM)) {
		return id, fabric.Errorf(code,
			"The resource '%s' is not the resource ID of an app (%s) or a virtual machine (%s).", clip(s), typeSites, typeVM)
	}
	return id, nil
}

// validAudience accepts what Entra accepts as a resource: an absolute URI
// with a scheme and "://" (https://storage.azure.com, api://x), or an
// application ID. No whitespace, control characters, quotes or backslashes,
// so the aud claim never surprises a relying party's parser.
func validAudience(a string) bool {
	if a == "" || len(a) > maxAudience {
		return false
	}
	if scope.IsGUID(a) {
		return true
	}
	sch, rest, ok := strings.Cut(a, "://")
	if !ok || sch == "" || rest == "" || !isAlpha(sch[0]) {
		return false
	}
	for i := range len(sch) {
		c := sch[i]
		if !isAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '.' && c != '-' {
			return false
		}
	}
	for i := range len(rest) {
		if c := rest[i]; c <= ' ' || c == 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// clip bounds a client-supplied value echoed in a message and masks its
// control characters, so that it cannot forge lines in a log.
func clip(s string) string {
	const n = 200
	cut := len(s) > n
	if cut {
		s = strings.ToValidUTF8(s[:n], "")
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if cut {
		s += "…"
	}
	return s
}

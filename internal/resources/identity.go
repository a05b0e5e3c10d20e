package resources

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
)

const (
	typeUAI = "Microsoft.ManagedIdentity/userAssignedIdentities"
	// maxUAIs is ARM's limit of user-assigned identities per resource.
	maxUAIs = 100
)

// identityRequest is a parsed request "identity" block, before it is
// resolved against the resource's current identities.
type identityRequest struct {
	present bool // the body had a non-null identity
	typed   bool // it had a type
	system  bool
	user    bool
	// entries maps an identity's ID key to its ID as given; a "" value is a
	// null entry (PATCH: remove).
	entries map[string]string
	order   []string // keys in request order, for stable errors
}

var errBadIdentityType = arm.BadRequest("InvalidIdentityType",
	"The identity type is not valid. Supported values are 'None', 'SystemAssigned', 'UserAssigned' and 'SystemAssigned, UserAssigned'.")

// parseIdentityType accepts ARM's four values, case-insensitively and with
// optional spaces.
func parseIdentityType(s string) (system, user bool, err error) {
	switch strings.ToLower(strings.ReplaceAll(s, " ", "")) {
	case "none":
		return false, false, nil
	case "systemassigned":
		return true, false, nil
	case "userassigned":
		return false, true, nil
	case "systemassigned,userassigned":
		return true, true, nil
	}
	return false, false, errBadIdentityType
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func parseIdentity(raw json.RawMessage) (identityRequest, error) {
	var req identityRequest
	if isNull(raw) {
		return req, nil
	}
	var in struct {
		Type *string         `json:"type"`
		UAIs json.RawMessage `json:"userAssignedIdentities"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return req, arm.BadRequest("InvalidRequestContent", "The identity block could not be deserialized: %v.", err)
	}
	req.present = true
	if in.Type != nil {
		var err error
		if req.system, req.user, err = parseIdentityType(*in.Type); err != nil {
			return req, err
		}
		req.typed = true
	}
	if isNull(in.UAIs) {
		return req, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(in.UAIs, &m); err != nil {
		return req, arm.BadRequest("InvalidIdentityValues", "The 'userAssignedIdentities' property must be an object keyed by identity resource IDs.")
	}
	req.entries = make(map[string]string, len(m))
	for id, v := range m {
		t := bytes.TrimSpace(v)
		if len(t) == 0 || (t[0] != '{' && !isNull(t)) {
			return req, arm.BadRequest("InvalidIdentityValues",
				"Invalid value for the identity '%s'. The 'userAssignedIdentities' property values should only be empty JSON objects or null.", id)
		}
		key, err := uaiKey(id)
		if err != nil {
			return req, err
		}
		if isNull(t) {
			id = ""
		}
		if _, dup := req.entries[key]; !dup {
			req.order = append(req.order, key)
		}
		req.entries[key] = id
	}
	if len(req.entries) > maxUAIs {
		return req, arm.BadRequest("InvalidIdentityValues", "A resource may have at most %d user-assigned identities.", maxUAIs)
	}
	return req, nil
}

// uaiKey validates a user-assigned identity's resource ID and returns its key.
func uaiKey(id string) (string, error) {
	p, err := scope.Parse(id)
	if err != nil || p.ResourceGroup == "" || len(p.Segments) != 1 || !strings.EqualFold(p.Type(), typeUAI) {
		return "", arm.BadRequest("LinkedInvalidPropertyId",
			"Property id '%s' at path 'identity.userAssignedIdentities' is invalid. Expect a fully qualified resource ID of a user-assigned identity.", id)
	}
	return p.Key(), nil
}

// identityState is a resource's identities: whether it has a system-assigned
// one, and the attached user-assigned identities by key.
type identityState struct {
	system bool
	uais   map[string]string // key → ID
}

// resolve computes the desired state: PUT replaces, PATCH merges (ARM's
// PATCH: a null entry removes that identity, absent entries stay).
func (req identityRequest) resolve(cur identityState, patch bool) (identityState, error) {
	if !req.present {
		if patch {
			return cur, nil
		}
		return identityState{}, nil
	}
	system, user := req.system, req.user
	if !req.typed {
		if !patch {
			return identityState{}, arm.BadRequest("InvalidIdentityType", "The identity type is required.")
		}
		system, user = cur.system, len(cur.uais) > 0
	}
	next := identityState{system: system, uais: map[string]string{}}
	if patch && user {
		for k, v := range cur.uais {
			next.uais[k] = v
		}
	}
	for _, k := range req.order {
		id := req.entries[k]
		if id == "" {
			delete(next.uais, k)
			continue
		}
		if !user {
			return identityState{}, arm.BadRequest("InvalidIdentityType",
				"The 'userAssignedIdentities' property may only be set when the identity type includes 'UserAssigned'.")
		}
		if _, ok := next.uais[k]; !ok {
			next.uais[k] = id
		}
	}
	if user && len(next.uais) == 0 {
		return identityState{}, arm.BadRequest("InvalidIdentityType",
			"The identity type 'UserAssigned' requires at least one entry in 'userAssignedIdentities'.")
	}
	if len(next.uais) > maxUAIs {
		return identityState{}, arm.BadRequest("InvalidIdentityValues", "A resource may have at most %d user-assigned identities.", maxUAIs)
	}
	return next, nil
}

package directory

import (
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Graph's JSON shapes. Each is built field by field from a record, so a
// password or secret hash can never leak through a new record field.

type userJSON struct {
	ODataType         string `json:"@odata.type"`
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	AccountEnabled    bool   `json:"accountEnabled"`
}

type groupJSON struct {
	ODataType       string `json:"@odata.type"`
	ID              string `json:"id"`
	DisplayName     string `json:"displayName"`
	MailNickname    string `json:"mailNickname"`
	MailEnabled     bool   `json:"mailEnabled"`
	SecurityEnabled bool   `json:"securityEnabled"`
}

type servicePrincipalJSON struct {
	ODataType            string               `json:"@odata.type"`
	ID                   string               `json:"id"`
	AppID                string               `json:"appId"`
	DisplayName          string               `json:"displayName"`
	ServicePrincipalType string               `json:"servicePrincipalType"`
	AlternativeNames     []string             `json:"alternativeNames"`
	AccountEnabled       bool                 `json:"accountEnabled"`
	PasswordCredentials  []passwordCredential `json:"passwordCredentials,omitempty"`
	KeyCredentials       []keyCredential      `json:"keyCredentials,omitempty"`
}

// passwordCredential is Graph's passwordCredential; SecretText is set only
// in addPassword's answer.
type passwordCredential struct {
	CustomKeyIdentifier *string    `json:"customKeyIdentifier"`
	DisplayName         string     `json:"displayName"`
	EndDateTime         *time.Time `json:"endDateTime"`
	Hint                string     `json:"hint"`
	KeyID               string     `json:"keyId"`
	SecretText          *string    `json:"secretText"`
	StartDateTime       time.Time  `json:"startDateTime"`
}

type listJSON struct {
	Value []any `json:"value"`
}

func render(p store.Principal) any {
	switch p.Kind {
	case store.KindUser:
		return userJSON{"#microsoft.graph.user", p.ID, p.DisplayName, p.UserName, !p.Disabled}
	case store.KindGroup:
		return groupJSON{"#microsoft.graph.group", p.ID, p.DisplayName, mailNickname(p.DisplayName), false, true}
	}
	sp := servicePrincipalJSON{ODataType: "#microsoft.graph.servicePrincipal", ID: p.ID, AppID: p.ClientID,
		DisplayName: p.DisplayName, ServicePrincipalType: "Application", AlternativeNames: []string{}, AccountEnabled: !p.Disabled}
	if p.Kind == store.KindManagedIdentity {
		// As Entra: "isExplicit=True" marks a user-assigned identity.
		explicit := "isExplicit=False"
		if p.IdentityType == store.UserAssigned {
			explicit = "isExplicit=True"
		}
		sp.ServicePrincipalType = "ManagedIdentity"
		sp.AlternativeNames = []string{explicit, p.ResourceID}
	}
	return sp
}

func renderList(ps []store.Principal) listJSON {
	l := listJSON{Value: make([]any, 0, len(ps))}
	for _, p := range ps {
		l.Value = append(l.Value, render(p))
	}
	return l
}

func renderCredential(c store.Credential, secretText *string) passwordCredential {
	pc := passwordCredential{DisplayName: c.DisplayName, Hint: c.Hint, KeyID: c.ID, SecretText: secretText, StartDateTime: c.StartsAt}
	if !c.ExpiresAt.IsZero() {
		pc.EndDateTime = &c.ExpiresAt
	}
	return pc
}

// mailNickname derives a group's mail nickname from its display name (the
// store has no field for it; Lanyard groups have no mail).
func mailNickname(displayName string) string {
	n := strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return r
		}
		return -1
	}, displayName)
	if n == "" {
		return "group"
	}
	return n
}

// checkID requires an object ID (a GUID) in a path, so that arbitrary text
// never reaches a lookup.
func checkID(id string) error {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return badRequest("Invalid object identifier '%s'.", id)
	}
	return nil
}

var filterRE = regexp.MustCompile(`^\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*$`)

// parseFilter parses an OData $filter of the one form supported,
// "<property> eq '<value>'", for one of the allowed properties. An empty
// filter returns "", "".
func parseFilter(filter string, allowed ...string) (prop, value string, err error) {
	if filter == "" {
		return "", "", nil
	}
	m := filterRE.FindStringSubmatch(filter)
	if m != nil {
		for _, a := range allowed {
			if strings.EqualFold(m[1], a) {
				return a, strings.ReplaceAll(m[2], "''", "'"), nil
			}
		}
	}
	return "", "", badRequest("Unsupported filter %q: only \"<property> eq '<value>'\" is supported, for %s.", filter, strings.Join(allowed, ", "))
}

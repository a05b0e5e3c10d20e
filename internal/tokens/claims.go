package tokens

import "strings"

// Audiences and clients Lanyard knows.
const (
	// ManagementAudience is the resource-manager audience.
	ManagementAudience = "https://management.azure.com/"
	// CLIClientID is the Lanyard CLI's application ID, a public client.
	CLIClientID = "5a3c1e7b-9d2f-4f6a-8b1e-3c7d9e2f4a61"
	// AzureCLIClientID is the Azure CLI's application ID, also accepted as a
	// public client so that `az login` can sign in against Lanyard.
	AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
)

// ManagementAudiences are every spelling of the management audience.
var ManagementAudiences = []string{
	"https://management.azure.com/",
	"https://management.azure.com",
	"https://management.core.windows.net/",
	"https://management.core.windows.net",
}

// Identity types (the idtyp claim).
const (
	IdentityUser = "user"
	IdentityApp  = "app"
)

// Claims are the claims of a Lanyard access token, named as Entra's v2.0
// access tokens name them.
type Claims struct {
	Audience  string `json:"aud"`
	Issuer    string `json:"iss"`
	IssuedAt  int64  `json:"iat"`
	NotBefore int64  `json:"nbf"`
	Expires   int64  `json:"exp"`

	ObjectID string `json:"oid,omitempty"`
	Subject  string `json:"sub,omitempty"`
	TenantID string `json:"tid,omitempty"`
	AppID    string `json:"appid,omitempty"`
	// AuthorizedParty (azp) is the client that requested the token.
	AuthorizedParty string `json:"azp,omitempty"`
	IdentityType    string `json:"idtyp,omitempty"`
	// UniqueTokenID (uti) identifies this token, for audit and revocation.
	UniqueTokenID string `json:"uti,omitempty"`
	Version       string `json:"ver,omitempty"`

	Name              string `json:"name,omitempty"`
	PreferredUsername string `json:"preferred_username,omitempty"`
	AppDisplayName    string `json:"app_displayname,omitempty"`
	Scope             string `json:"scp,omitempty"`
	// ManagedIdentityResourceID (xms_mirid) is set on managed-identity tokens.
	ManagedIdentityResourceID string `json:"xms_mirid,omitempty"`
}

// HasAudience reports whether the token's audience is one of auds, ignoring
// one trailing slash on either side (Entra issues both spellings).
func (c *Claims) HasAudience(auds ...string) bool {
	got := strings.TrimSuffix(c.Audience, "/")
	if got == "" {
		return false
	}
	for _, a := range auds {
		if strings.TrimSuffix(a, "/") == got {
			return true
		}
	}
	return false
}

// DisplayName is what a denial shows for the caller.
func (c *Claims) DisplayName() string {
	for _, s := range []string{c.PreferredUsername, c.Name, c.AppDisplayName, c.AppID} {
		if s != "" {
			return s
		}
	}
	return c.ObjectID
}

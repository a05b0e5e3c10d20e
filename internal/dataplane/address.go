package dataplane

// Address is how a request named its target account or vault. The server
// fills it in from the URL: path-style ("https://host:port/{account}/...",
// "https://host:port/vaults/{vault}/...") or host-style
// ("https://{account}.blob.{domain}/...", "https://{vault}.vault.{domain}/...").
type Address struct {
	// Name is the account or vault name as the client wrote it.
	Name string
	// Path is the decoded path below the account or vault, starting with
	// "/" ("/" alone for the account or vault itself).
	Path string
	// BaseURL is the account's or vault's URL as the client addressed it,
	// without a trailing slash; ids and nextLinks are built on it.
	BaseURL string
	// IDBaseURL, when set, replaces BaseURL in resource identifiers (a
	// secret's "id", "kid", "recoveryId"); links a client follows (nextLink)
	// keep BaseURL. Path-style vaults need it: azsecrets, and the Python and
	// JavaScript SDKs, read a secret's name and version from fixed positions
	// of the id's path (/secrets/{name}/{version}), so an id under
	// "/vaults/{vault}" would parse as name = the vault's name (Go, Python)
	// or be rejected (JavaScript).
	IDBaseURL string
	// Audiences are the token audiences accepted at this address.
	Audiences []string
	// Resource is the resource a 401 challenge names: for Key Vault the
	// value the SDK turns into its token scope and checks against the
	// vault's host name.
	Resource string
}

// IDBase is the base URL of resource identifiers at this address.
func (a Address) IDBase() string {
	if a.IDBaseURL != "" {
		return a.IDBaseURL
	}
	return a.BaseURL
}

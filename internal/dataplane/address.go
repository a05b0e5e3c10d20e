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
	// Audiences are the token audiences accepted at this address.
	Audiences []string
	// Resource is the resource a 401 challenge names: for Key Vault the
	// value the SDK turns into its token scope and checks against the
	// vault's host name.
	Resource string
}

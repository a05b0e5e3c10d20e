// Package credential gets Microsoft Entra-style access tokens for Go
// programs, from Lanyard or from Azure, with the same code on a laptop and
// in production. Every credential implements azcore.TokenCredential, so it
// plugs into any Azure SDK client.
//
// NewDefaultCredential tries, in order: EnvironmentCredential (client
// secret or certificate), WorkloadIdentityCredential (federated token
// file), ManagedIdentityCredential (App Service protocol, then IMDS) and
// AzureCLICredential. It moves on only when a source is unavailable
// (an *UnavailableError), stops at a real authentication failure, and keeps
// using the first source that worked. Its error names every source, why it
// was unavailable and what to do.
//
// It exists because azidentity's DefaultAzureCredential is slow off-cloud
// (a one-second IMDS probe), its errors rarely say what to fix, and nobody
// can tell which source it picked: here the probe is a short TCP connect,
// errors carry advice, and DefaultCredential.Selected names the source.
//
// The package imports nothing from Lanyard's internal packages: it is a
// client library that must work against Azure as well as Lanyard.
package credential

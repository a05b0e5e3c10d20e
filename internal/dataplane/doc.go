// Package dataplane is what every data service (blob storage, the secrets
// vault) does before serving a request: turn the bearer token into a caller
// and check a data action at the request's scope, explaining a denial. The
// services render the outcome in their own wire formats.
package dataplane

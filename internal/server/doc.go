// Package server composes Lanyard's components into the `lanyard serve`
// process: it opens the store, creates the tenant on first start, builds the
// token service, directory, resource manager and RBAC index, and serves them
// over HTTPS until its context ends.
package server

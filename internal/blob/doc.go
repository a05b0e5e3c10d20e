// Package blob speaks Azure Blob Storage's REST protocol for Lanyard's
// storage accounts: it authenticates and authorizes each request with
// bearer tokens and RBAC data actions, validates names, headers and bodies,
// and renders the results (and errors) exactly as the unmodified azblob SDK
// parses them. The bytes themselves live in package blobstore.
package blob

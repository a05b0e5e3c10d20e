// Package access serves Azure's access-control API (Microsoft.Authorization):
// role definitions, role assignments and the caller's permissions on the ARM
// router, plus Lanyard's explanation endpoint POST /lanyard/v1/checkAccess.
// It validates and authorizes every write, commits it to the store and
// re-syncs the RBAC index before answering, so a grant or revocation holds
// for the very next request.
package access

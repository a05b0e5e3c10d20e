// Package directory is Lanyard's Entra ID: users with passwords, groups and
// their memberships, service principals with client secrets, and the
// Microsoft Graph-shaped /v1.0 API over them. Managed identities are listed
// here but owned by the ARM resources they belong to (package resources).
package directory

// Package hosts owns host-agent enrolment on the server: one-time join
// tokens for Microsoft.Compute/virtualMachines resources, their exchange for
// short-lived client certificates signed by Lanyard's CA, renewal and
// revocation, and the authentication of agents by certificate serial. It
// serves the fabric wire API (package fabric) for authenticated hosts.
package hosts

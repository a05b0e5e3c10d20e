// Package pki is Lanyard's own certificate authority: it issues the server's
// TLS certificate (clients trust ca.crt) and, later, host agents' client
// certificates.
package pki

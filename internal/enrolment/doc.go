// Package enrolment is the host agent's side of joining a Lanyard server: it
// exchanges a one-time join token for a client certificate (after checking
// the server's CA against the pin the token carries), keeps that
// certificate and its key in a state directory across restarts, renews it
// before it expires, and speaks the fabric API to the server over mutual
// TLS as a fabric.Fabric.
package enrolment

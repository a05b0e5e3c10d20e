package fabric

import "time"

// Paths of the server's fabric API, on the server's HTTPS port. Join and
// the CA download need no client certificate; every other path needs the
// host's client certificate (mutual TLS).
const (
	// PathCA serves the CA certificate (PEM). Agents fetch it before they
	// trust the server and check it against the pin in the join token.
	PathCA = "/lanyard/v1/ca.crt"
	// PathJoin: POST JoinRequest → Enrolment.
	PathJoin = "/lanyard/v1/fabric/join"
	// PathRenew: POST RenewRequest → Enrolment (mTLS with the current or
	// just-replaced certificate).
	PathRenew = "/lanyard/v1/fabric/renew"
	// PathToken: POST TokenRequest → Token.
	PathToken = "/lanyard/v1/fabric/token"
	// PathApp: POST AppRequest → App.
	PathApp = "/lanyard/v1/fabric/app"
)

// JoinRequest exchanges a one-time join token for a client certificate.
type JoinRequest struct {
	JoinToken string `json:"joinToken"`
	CSR       string `json:"csr"` // PEM "CERTIFICATE REQUEST"; ECDSA P-256 key
}

// RenewRequest replaces the calling certificate with one for a new key.
type RenewRequest struct {
	CSR string `json:"csr"`
}

// AppRequest names an app by name or resource ID.
type AppRequest struct {
	App string `json:"app"`
}

// Enrolment is a host's certificate, as issued by join or renew.
type Enrolment struct {
	HostID        string    `json:"hostId"`
	Certificate   string    `json:"certificate"`   // PEM, the client certificate
	CACertificate string    `json:"caCertificate"` // PEM
	ExpiresOn     time.Time `json:"expiresOn"`
	// RenewAfter is when the agent should renew (half the lifetime).
	RenewAfter time.Time `json:"renewAfter"`
}

// LocalHost is the host ID of the agent built into `lanyard serve`. It has
// no VM resource: it serves apps placed on no host ("the server's own
// machine"), and has no IMDS identities of its own.
const LocalHost = "local"

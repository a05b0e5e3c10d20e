package agent

// The session socket is a Unix socket (mode 0600) speaking HTTP/1.1. It is
// how `lanyard run` obtains an IDENTITY_HEADER for the process it starts:
//
//	POST /v1/sessions  {"app":"<name or resource ID>"}
//
// answers 200 and streams one JSON line (SessionInfo), then keeps the
// response open. The header is valid exactly as long as that connection:
// when the client closes it (its process exited, or was killed), the agent
// revokes the header. Errors are 4xx/5xx with {"error","error_description"}
// (fabric error codes).
const SessionsPath = "/v1/sessions"

// SessionRequest opens a session for an app placed on this host.
type SessionRequest struct {
	App string `json:"app"`
}

// SessionInfo is what `lanyard run` puts into its child's environment.
type SessionInfo struct {
	IdentityEndpoint string            `json:"identityEndpoint"` // http://127.0.0.1:PORT/msi/token
	IdentityHeader   string            `json:"identityHeader"`
	AppID            string            `json:"appId"`
	AppName          string            `json:"appName"`
	AppSettings      map[string]string `json:"appSettings"`
}

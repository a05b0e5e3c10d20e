// Package agent is the host agent's workload-facing side: the App Service
// identity endpoint (IDENTITY_ENDPOINT + X-IDENTITY-HEADER) for apps started
// by `lanyard run`, the IMDS endpoint for the host's own identities, the
// token cache and rate limits in front of the server, and the local session
// socket through which `lanyard run` obtains a per-process IDENTITY_HEADER.
// It reaches the server only through a fabric.Fabric.
package agent

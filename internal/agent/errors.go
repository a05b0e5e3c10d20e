package agent

import (
	"context"
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// failure is a refused token request, in protocol-neutral terms: the
// client-visible message is kept apart from the cause, which is logged.
type failure struct {
	code       string // a fabric error code
	message    string
	retryAfter int // seconds; > 0 only for 429
}

// classify maps a fetch error to a failure, logging causes the client
// must not see.
func (a *Agent) classify(err error, resource, audience string) failure {
	var lim *limitedError
	var fe *fabric.Error
	switch {
	case errors.As(err, &lim):
		return failure{code: codeTooManyRequests, message: "too many token requests on this host; retry later", retryAfter: retryAfterSeconds(lim.after)}
	case errors.As(err, &fe) && fe.Code != fabric.CodeServerError && fe.Code != fabric.CodeUnauthorized:
		return failure{code: fe.Code, message: fe.Message}
	case errors.As(err, &fe) && fe.Code == fabric.CodeUnauthorized:
		// The server no longer accepts this host (revoked, VM deleted,
		// certificate expired): retrying cannot help, so answer 403, which
		// neither protocol's SDK retries (500 would make the IMDS client
		// retry for a minute).
		a.cfg.Logger.Error("agent: the server refused this host's certificate; re-join the host", "host", a.cfg.HostID, "err", err)
		return failure{code: codeHostNotEnrolled, message: "this host's agent is no longer enrolled with the Lanyard server; the operator must re-join it"}
	case errors.Is(err, context.Canceled):
		// The client went away while waiting; nobody reads this answer.
		return failure{code: fabric.CodeServerError, message: "request cancelled"}
	}
	// The server failed, is unreachable, or no longer accepts this host:
	// a real failure the workload can only retry.
	a.cfg.Logger.Warn("agent: token fetch failed", "host", a.cfg.HostID, "resource", resource, "audience", audience, "err", err)
	return failure{code: fabric.CodeServerError, message: "failed to obtain a token from the Lanyard server"}
}

const (
	codeTooManyRequests = "too_many_requests"
	codeHostNotEnrolled = "host_not_enrolled"
)

// appServiceStatus: App Service's SDKs fail on any non-200 (§1.7), so
// every client error, including an app that vanished, is a 400.
func (f failure) appServiceStatus() int {
	switch f.code {
	case codeTooManyRequests:
		return http.StatusTooManyRequests
	case codeHostNotEnrolled:
		return http.StatusForbidden
	case fabric.CodeServerError:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

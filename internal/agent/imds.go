package agent

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// The IMDS protocol (PROTOCOLS.md §1.3): GET /metadata/identity/oauth2/token
// with "Metadata: true", api-version 2018-02-01, for the host VM's
// identities. Errors follow Azure's documented IMDS token errors
// (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token,
// "Error handling") and IMDS's error table
// (learn.microsoft.com/azure/virtual-machines/instance-metadata-service,
// "Errors and debugging": 400 for a missing Metadata header, 405 for
// anything but GET): {"error","error_description"}. The SDK retries 404,
// 410, 429 and 5xx for about a minute (§1.3), so a client error is never
// one of those; a 400 for a system-assigned identity makes
// DefaultAzureCredential move on, as on a VM without an identity (§1.7).
const (
	imdsPath    = "/metadata/identity/oauth2/token"
	imdsVersion = "2018-02-01"
)

var imdsSelectors = map[string]selKind{
	"client_id":  selClientID,
	"object_id":  selObjectID,
	"msi_res_id": selResourceID,
}

func (a *Agent) serveIMDS(w http.ResponseWriter, r *http.Request) {
	// IMDS drops any request carrying X-Forwarded-For: it came through a
	// proxy, possibly on behalf of someone off the machine (SSRF). See
	// microsoft.github.io/AntiSSRF (AddXFFHeader: "IMDS will drop all
	// incoming requests with the X-Forwarded-For header present").
	if _, ok := r.Header["X-Forwarded-For"]; ok {
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, "Requests with an X-Forwarded-For header are not allowed")
		return
	}
	if r.URL.Path != imdsPath {
		writeIMDSError(w, http.StatusNotFound, "not_found", "The requested element doesn't exist")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeIMDSError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Only GET requests are supported")
		return
	}
	// This also answers DefaultAzureCredential's probe (no query, no
	// header) with 400, as real IMDS does (§1.8).
	if md := r.Header["Metadata"]; len(md) != 1 || !strings.EqualFold(md[0], "true") {
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, "Required metadata header not specified")
		return
	}
	q, qerr := parseTokenQuery(r.URL.RawQuery, imdsSelectors)
	switch {
	case qerr != nil && qerr.invalidResource:
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidResource, qerr.msg)
		return
	case qerr != nil:
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, qerr.msg)
		return
	case !q.hasVersion:
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, "api-version was not specified in the request")
		return
	case q.apiVersion != imdsVersion:
		// Real IMDS: "Invalid 'api-version' requested"
		// (github.com/MicrosoftDocs/azure-docs/issues/112538).
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, "Invalid 'api-version' requested")
		return
	case a.cfg.HostResource == "":
		writeIMDSError(w, http.StatusBadRequest, fabric.CodeInvalidRequest, "Identity not found")
		return
	}
	res := a.cfg.HostResource
	e, err := a.token(r.Context(), keyFor(protoIMDS, res, &q), tokenRequest(res, &q))
	if err != nil {
		f := a.classify(err, res, q.audience)
		status, code, msg := f.imds()
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		writeIMDSError(w, status, code, msg)
		return
	}
	bp := bufPool.Get().(*[]byte)
	b := e.imds.append((*bp)[:0], a.cfg.Now())
	w.Header()["Content-Type"] = jsonContentType
	w.Write(b)
	*bp = b
	bufPool.Put(bp)
}

// imds maps a failure to IMDS's status, error and description.
func (f failure) imds() (int, string, string) {
	switch f.code {
	case codeTooManyRequests:
		return http.StatusTooManyRequests, codeTooManyRequests, f.message
	case fabric.CodeServerError:
		return http.StatusInternalServerError, "unknown", f.message
	case codeHostNotEnrolled:
		return http.StatusForbidden, codeHostNotEnrolled, f.message
	case fabric.CodeIdentityNotFound, fabric.CodeResourceNotFound:
		return http.StatusBadRequest, fabric.CodeInvalidRequest, "Identity not found"
	case fabric.CodeInvalidResource:
		return http.StatusBadRequest, fabric.CodeInvalidResource, f.message
	}
	return http.StatusBadRequest, fabric.CodeInvalidRequest, f.message
}

// imdsParts is an IMDS body split around its two time-dependent values
// (expires_in and ext_expires_in, seconds left), rendered once per token.
type imdsParts struct {
	head, mid, tail []byte
	expiresOn       time.Time
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func renderIMDS(tok fabric.Token) (imdsParts, error) {
	str := func(s string) []byte { b, _ := json.Marshal(s); return b }
	epoch := func(t time.Time) string { return `"` + strconv.FormatInt(t.Unix(), 10) + `"` }
	var p imdsParts
	p.expiresOn = tok.ExpiresOn
	p.head = append(append([]byte(`{"access_token":`), str(tok.AccessToken)...), `,"client_id":`...)
	p.head = append(append(p.head, str(tok.ClientID)...), `,"expires_in":"`...)
	p.mid = []byte(`","expires_on":` + epoch(tok.ExpiresOn) + `,"ext_expires_in":"`)
	p.tail = append([]byte(`","not_before":`+epoch(tok.NotBefore)+`,"resource":`), str(tok.Audience)...)
	p.tail = append(p.tail, `,"token_type":"Bearer"}`...)
	return p, nil
}

func (p *imdsParts) append(b []byte, now time.Time) []byte {
	left := max(int64(p.expiresOn.Sub(now)/time.Second), 0)
	b = append(b, p.head...)
	b = strconv.AppendInt(b, left, 10)
	b = append(b, p.mid...)
	b = strconv.AppendInt(b, left, 10)
	return append(b, p.tail...)
}

func writeIMDSError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, msg})
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(body)
}

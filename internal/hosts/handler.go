package hosts

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// maxBody bounds fabric request bodies; the largest, a join, is under 2 KiB.
const maxBody = 64 << 10

// Handler serves the fabric wire API (package fabric's paths) and the ARM
// actions on virtualMachines.
type Handler struct {
	svc *Service
}

// NewHandler returns the HTTP face of svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes mounts the fabric paths. They must be served on the HTTPS port
// whose tls.Config requests (VerifyClientCertIfGiven) client certificates
// signed by the CA; join and the CA download need none.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+fabric.PathCA, h.serveCA)
	mux.HandleFunc("POST "+fabric.PathJoin, h.join)
	mux.HandleFunc("POST "+fabric.PathRenew, hostCall(h, h.renew))
	mux.HandleFunc("POST "+fabric.PathToken, hostCall(h, h.token))
	mux.HandleFunc("POST "+fabric.PathApp, hostCall(h, h.app))
}

func (h *Handler) serveCA(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	io.WriteString(w, h.svc.caPEM())
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) {
	var req fabric.JoinRequest
	if !h.decode(w, r, &req) {
		return
	}
	e, err := h.svc.Join(r.Context(), req)
	h.reply(w, r, e, err)
}

// hostCall serves a call that only an enrolled host may make: it checks
// the host's client certificate before reading the body, so an
// unauthenticated caller learns nothing about the request format, then
// decodes the request and replies with call's result.
func hostCall[Req, Resp any](h *Handler, call func(r *http.Request, hostID, serial string, req Req) (Resp, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hostID, serial, ok := h.authenticate(w, r)
		if !ok {
			return
		}
		var req Req
		if !h.decode(w, r, &req) {
			return
		}
		v, err := call(r, hostID, serial, req)
		h.reply(w, r, v, err)
	}
}

func (h *Handler) renew(r *http.Request, hostID, serial string, req fabric.RenewRequest) (fabric.Enrolment, error) {
	return h.svc.Renew(r.Context(), hostID, serial, req)
}

// token and app are answered by the host's own fabric, never another's.
func (h *Handler) token(r *http.Request, hostID, _ string, req fabric.TokenRequest) (fabric.Token, error) {
	return h.svc.cfg.Fabric(hostID).Token(r.Context(), req)
}

func (h *Handler) app(r *http.Request, hostID, _ string, req fabric.AppRequest) (fabric.App, error) {
	return h.svc.cfg.Fabric(hostID).App(r.Context(), req.App)
}

func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (hostID, serial string, ok bool) {
	hostID, serial, err := h.svc.Authenticate(r)
	if err != nil {
		h.fail(w, r, err)
		return "", "", false
	}
	return hostID, serial, true
}

// decode reads one JSON object of at most maxBody bytes into v; unknown
// fields and trailing data are refused, so a mistyped field name is an
// error rather than a silently different request.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.fail(w, r, &fabric.Error{Status: http.StatusRequestEntityTooLarge,
				Code: fabric.CodeInvalidRequest, Message: "the request body is too large"})
			return false
		}
		h.fail(w, r, fabric.Errorf(fabric.CodeInvalidRequest, "the request body could not be read"))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		h.fail(w, r, fabric.Errorf(fabric.CodeInvalidRequest, "the request body is not valid JSON for this call: %v", err))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		h.fail(w, r, fabric.Errorf(fabric.CodeInvalidRequest, "unexpected data after the JSON object"))
		return false
	}
	return true
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// fail writes err as a fabric.Error. Anything else is a 500 server_error
// whose cause is logged, never sent.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fabric.Error
	if !errors.As(err, &fe) {
		h.svc.cfg.Log.ErrorContext(r.Context(), "fabric request failed", "path", r.URL.Path, "err", err)
		fe = fabric.Errorf(fabric.CodeServerError, "the server failed; the cause has been logged")
	}
	status := fe.Status
	if status == 0 {
		status = fabric.StatusFor(fe.Code)
	}
	writeJSON(w, status, fe)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

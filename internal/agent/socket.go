package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// listenSocket binds the session socket with mode 0600: whoever can
// connect can mint identity headers for any app on the host. A socket
// file left by a dead agent is removed; one something still listens on is
// not (two agents on one socket would be a mistake to report, not fix).
func listenSocket(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("agent: session socket %s exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("agent: session socket %s is in use by another agent", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("agent: removing stale session socket: %w", err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("agent: session socket: %w", err)
	}
	// Between Listen and Chmod the socket has the umask's mode; the
	// directory holding it should be private to the agent's user too.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("agent: session socket: %w", err)
	}
	return ln, nil
}

const maxSessionBody = 16 << 10

// serveSessions implements POST /v1/sessions (sessionapi.go): the header
// lives exactly as long as this response, so a client that exits or is
// killed revokes it by closing the connection.
func (a *Agent) serveSessions(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != SessionsPath {
		writeSessionError(w, fabric.Errorf(fabric.CodeResourceNotFound, "no such path"))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeSessionError(w, &fabric.Error{Status: http.StatusMethodNotAllowed, Code: fabric.CodeInvalidRequest, Message: "only POST is supported"})
		return
	}
	// Reading the body to its end lets net/http watch the connection and
	// cancel r.Context() when the client goes away.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSessionBody))
	if err != nil {
		writeSessionError(w, fabric.Errorf(fabric.CodeInvalidRequest, "request body too large or unreadable"))
		return
	}
	var req SessionRequest
	if err := decodeStrict(body, &req); err != nil || req.App == "" || !validParam(req.App) {
		writeSessionError(w, fabric.Errorf(fabric.CodeInvalidRequest, `body must be {"app":"<name or resource ID>"}`))
		return
	}
	info, revoke, err := a.OpenSession(r.Context(), req.App)
	if err != nil {
		var fe *fabric.Error
		if !errors.As(err, &fe) {
			a.cfg.Logger.Warn("agent: opening session failed", "host", a.cfg.HostID, "err", err)
			fe = fabric.Errorf(fabric.CodeServerError, "failed to resolve the app on the Lanyard server")
		}
		writeSessionError(w, fe)
		return
	}
	defer func() {
		revoke()
		a.cfg.Logger.Info("agent: session closed", "host", a.cfg.HostID, "app", info.AppID)
	}()
	line, err := json.Marshal(info)
	if err != nil {
		writeSessionError(w, fabric.Errorf(fabric.CodeServerError, "encoding session"))
		return
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	w.Write(append(line, '\n'))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	select {
	case <-r.Context().Done():
	case <-a.stopping:
	}
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

func writeSessionError(w http.ResponseWriter, fe *fabric.Error) {
	status := fe.Status
	if status == 0 {
		status = fabric.StatusFor(fe.Code)
	}
	body, _ := json.Marshal(fe)
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(body)
}

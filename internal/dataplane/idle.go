package dataplane

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// IdleBody bounds how long r's body may stall. The server has no read
// timeout (a 5 GB upload may take as long as it needs), so without this a
// client could send headers and then nothing, or one byte a minute, and
// hold its connection, goroutine and staging file for ever; and Go, once
// a handler returns, waits to discard up to 256 KiB of unread body before
// reusing the connection, which an unauthenticated caller could stall the
// same way. The read deadline starts at idle from now and moves on with
// every read that returns data, so a steady upload of any size passes.
// Where the connection cannot take deadlines it does nothing.
func IdleBody(w http.ResponseWriter, r *http.Request, idle time.Duration) {
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(idle)); err != nil {
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &idleBody{ReadCloser: r.Body, rc: rc, idle: idle}
	}
}

type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if derr := b.rc.SetReadDeadline(time.Now().Add(b.idle)); derr != nil && !errors.Is(derr, http.ErrNotSupported) {
			return n, err
		}
	}
	return n, err
}

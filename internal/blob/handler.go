package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/blobstore"
	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/store"
)

// storageType is the ARM type of the accounts this package serves.
const storageType = "Microsoft.Storage/storageAccounts"

// defaultVersion is the x-ms-version answered when a request names none
// (azblob v1.8.3's own).
const defaultVersion = "2026-12-06"

// Accounts finds storage accounts by name (*sqlite.Store is one).
type Accounts interface {
	FindResource(ctx context.Context, typ, name string) (store.Resource, error)
}

// Config is what a Handler needs.
type Config struct {
	Store    *blobstore.Store
	Accounts Accounts
	Guard    *dataplane.Guard
	// AuthorityURL is the token service's authority, e.g.
	// "https://127.0.0.1:8443/<tenant>", named in 401 challenges.
	AuthorityURL string
	Now          func() time.Time
	// Log receives causes of failures (never tokens); nil is slog.Default.
	Log *slog.Logger
}

// Handler serves the Blob Storage protocol for every account.
type Handler struct {
	cfg       Config
	log       *slog.Logger
	challenge string
}

// New returns a Handler.
func New(cfg Config) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, log: cfg.Log}
	if h.log == nil {
		h.log = slog.Default()
	}
	// Never an authorization_uri of only scheme and host: azblob indexes
	// its fourth '/'-separated part and would panic (PROTOCOLS.md §6.1).
	h.challenge = "Bearer authorization_uri=" + cfg.AuthorityURL + "/oauth2/authorize resource_id=https://storage.azure.com"
	return h
}

func (h *Handler) now() time.Time { return h.cfg.Now() }

// request is one authenticated, authorized-to-enter request.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	addr    dataplane.Address
	caller  authn.Caller
	account store.Resource
	acct    blobstore.Account
	t       target
}

// Serve answers one request addressed to addr.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, addr dataplane.Address) {
	hd := w.Header()
	hd.Set("x-ms-request-id", newRequestID())
	hd.Set("x-ms-version", version(r.Header.Get("x-ms-version")))
	// Authenticate before looking the account up, so that anonymous
	// callers cannot probe which account names exist.
	caller, aerr := h.cfg.Guard.Authenticate(r, addr.Audiences...)
	if aerr != nil {
		hd.Set("WWW-Authenticate", h.challenge)
		h.writeError(w, r, authError(aerr))
		return
	}
	res, err := h.cfg.Accounts.FindResource(r.Context(), storageType, addr.Name)
	if errors.Is(err, store.ErrNotFound) {
		h.writeError(w, r, serr(http.StatusNotFound, "ResourceNotFound", "The specified resource does not exist."))
		return
	}
	if err != nil {
		h.writeError(w, r, fmt.Errorf("blob: find account: %w", err))
		return
	}
	t, bad := splitPath(addr.Path)
	if bad != nil {
		h.writeError(w, r, bad)
		return
	}
	q := &request{w: w, r: r, addr: addr, caller: caller, account: res, t: t,
		acct: blobstore.Account{Name: res.Name, Generation: res.CreatedAt.UnixNano()}}
	if err := h.route(q); err != nil {
		h.writeError(w, r, err)
	}
}

// authError renders a failed authentication; the cause stays in the log.
func authError(e *dataplane.AuthError) *StorageError {
	const failed = "Server failed to authenticate the request. Please refer to the information in the www-authenticate header."
	out := &StorageError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationInfo", Message: failed, Err: e}
	switch e.Failure {
	case dataplane.MissingToken:
		out.Code = "NoAuthenticationInformation"
	case dataplane.ExpiredToken:
		out.Message = failed + " Lifetime validation failed. The token is expired."
	case dataplane.WrongAudience:
		out.Message = failed + " Audience validation failed. Audience did not match."
	}
	return out
}

// version echoes a well-formed x-ms-version ("YYYY-MM-DD"), else ours:
// the value goes back into a header, so arbitrary input is not echoed.
func version(v string) string {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return defaultVersion
	}
	for i := range len(v) {
		if c := v[i]; (c < '0' || c > '9') && c != '-' {
			return defaultVersion
		}
	}
	return v
}

// newRequestID is a random (version 4) UUID.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

package vault

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/store"
)

// vaultType is the ARM type of the resources this service serves.
const vaultType = "Microsoft.KeyVault/vaults"

// Store is the store view the service needs (the sqlite store is one).
type Store interface {
	FindResource(ctx context.Context, typ, name string) (store.Resource, error)
	store.Secrets
	Update(ctx context.Context, fn func(tx store.Tx) error) error
}

// Config is what New needs.
type Config struct {
	Store Store
	// Sealer is the master key; it wraps each vault's data key.
	Sealer *seal.Sealer
	Guard  *dataplane.Guard
	// AuthorityURL is the challenge's authorization value,
	// "https://host[:port]/<tenant>"; azsecrets takes the tenant from it.
	AuthorityURL string
	Now          func() time.Time
}

// Handler serves the secrets data plane of every vault.
type Handler struct {
	store     Store
	guard     *dataplane.Guard
	keys      *keyring
	authority string
	now       func() time.Time
}

// New checks cfg and returns the Handler.
func New(cfg Config) (*Handler, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("vault: no store"))
	}
	if cfg.Sealer == nil {
		errs = append(errs, errors.New("vault: no sealer"))
	}
	if cfg.Guard == nil {
		errs = append(errs, errors.New("vault: no guard"))
	}
	if !validAuthority(cfg.AuthorityURL) {
		// A short authority makes azsecrets panic (PROTOCOLS §7.1).
		errs = append(errs, errors.New(`vault: AuthorityURL must be "https://host/<tenant>" without '=', '"', ',' or spaces`))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{
		store: cfg.Store, guard: cfg.Guard, authority: cfg.AuthorityURL, now: cfg.Now,
		keys: &keyring{store: cfg.Store, sealer: cfg.Sealer, now: cfg.Now, keys: map[string]dataKey{}},
	}, nil
}

// call is one authorized request.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	addr   dataplane.Address
	vault  store.Resource
	caller authn.Caller
	op     operation
}

func (c *call) ctx() context.Context { return c.r.Context() }

// Serve answers one request addressed to the vault addr.Name.
//
// Order matters. The token is checked first, before the vault is looked
// up, so an anonymous caller learns nothing, not even whether a vault of
// that name exists (the challenge names only addr.Resource, which is the
// same for every vault). An authenticated caller without any role may then
// learn that a name is unknown (404 VaultNotFound): in Azure the name fails
// to resolve in public DNS, which reveals as much. The body is read only
// after authorization, so a denied caller cannot make the server parse a
// large body.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, addr dataplane.Address) {
	caller, aerr := h.guard.Authenticate(r, addr.Audiences...)
	if aerr != nil {
		h.challenge(w, addr, aerr)
		return
	}
	if err := checkAPIVersion(r); err != nil {
		writeError(w, err)
		return
	}
	op, rerr := route(r.Method, addr.Path)
	if rerr != nil {
		writeError(w, rerr)
		return
	}
	vault, err := h.store.FindResource(r.Context(), vaultType, addr.Name)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, errorf(http.StatusNotFound, "VaultNotFound", "The vault '%s' does not exist.", truncate(addr.Name, 64)))
		return
	}
	if err != nil {
		writeError(w, internal(err))
		return
	}
	scope := vault.ID
	if op.name != "" {
		scope += "/secrets/" + op.name
	}
	if d := h.guard.Authorize(caller, op.action, scope); d != nil {
		writeError(w, &apiError{status: http.StatusForbidden, code: "Forbidden", msg: d.Message(), inner: "ForbiddenByRbac"})
		return
	}
	c := &call{w: w, r: r, addr: addr, vault: vault, caller: caller, op: op}
	if err := op.run(h, c); err != nil {
		writeError(w, err)
	}
}

func (h *Handler) notImplemented(*call) error {
	return errorf(http.StatusNotImplemented, "NotImplemented", "Secret backup and restore are not supported by Lanyard.")
}

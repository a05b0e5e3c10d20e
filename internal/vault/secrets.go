package vault

import (
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/store"
)

// set stores a new version as the secret's latest (PUT /secrets/{name}).
func (h *Handler) set(c *call) error {
	var in secretIn
	if err := decode(c.w, c.r, &in); err != nil {
		return err
	}
	if err := in.validate(true); err != nil {
		return err
	}
	aead, err := h.keys.forVault(c.ctx(), c.vault, true)
	if err != nil {
		return internal(err)
	}
	now := h.now().UTC()
	v := store.SecretVersion{
		VaultID: c.vault.ID, Name: c.op.name, Version: newVersion(), Tags: in.Tags,
		Enabled: true, CreatedAt: now, UpdatedAt: now,
	}
	if in.ContentType != nil {
		v.ContentType = *in.ContentType
	}
	if a := in.Attributes; a != nil {
		if a.Enabled != nil {
			v.Enabled = *a.Enabled
		}
		v.NotBefore, v.Expires = epoch(a.NotBefore, v.NotBefore), epoch(a.Expires, v.Expires)
	}
	v.Value = encrypt(aead, []byte(*in.Value), valueAAD(v.VaultID, v.Name, v.Version))
	var saved store.SecretVersion
	err = h.store.Update(c.ctx(), func(tx store.Tx) error {
		var err error
		saved, err = tx.PutSecretVersion(c.ctx(), v)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		// The name is taken by a deleted secret: a conflict until it is
		// recovered or purged, unless its purge date has passed.
		d, derr := tx.GetDeletedSecret(c.ctx(), v.VaultID, v.Name)
		if derr != nil {
			return err
		}
		if now.Before(d.ScheduledPurgeAt) {
			return errorf(http.StatusConflict, "Conflict", "Secret %s is currently in a deleted but recoverable state, "+
				"and its name cannot be reused; in this state, the secret can only be recovered or purged.", d.Latest.Name)
		}
		if err := tx.PurgeSecret(c.ctx(), v.VaultID, v.Name); err != nil {
			return err
		}
		saved, err = tx.PutSecretVersion(c.ctx(), v)
		return err
	})
	if err != nil {
		return asAPIError(err)
	}
	out := render(c.addr.IDBase(), saved, true)
	out.Value = in.Value
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// get returns a version's value (GET /secrets/{name}[/[{version}]]). This
// is the hot path: one indexed read and one AES-GCM open.
func (h *Handler) get(c *call) error {
	v, err := h.version(c)
	if err != nil {
		return err
	}
	if err := h.usable(v); err != nil {
		return err
	}
	aead, err := h.keys.forVault(c.ctx(), c.vault, false)
	if err != nil {
		return internal(err)
	}
	pt, err := decrypt(aead, v.Value, valueAAD(c.vault.ID, v.Name, v.Version))
	if err != nil {
		return internal(err)
	}
	out := render(c.addr.IDBase(), v, true)
	s := string(pt)
	out.Value = &s
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// version reads the version the call names (latest if none).
func (h *Handler) version(c *call) (store.SecretVersion, error) {
	if c.op.version != "" && !isVersion(c.op.version) {
		return store.SecretVersion{}, secretNotFound(c.op.name, c.op.version)
	}
	v, err := h.store.GetSecretVersion(c.ctx(), c.vault.ID, c.op.name, c.op.version)
	if errors.Is(err, store.ErrNotFound) {
		return v, secretNotFound(c.op.name, c.op.version)
	}
	if err != nil {
		return v, internal(err)
	}
	return v, nil
}

// usable refuses a value that is disabled or outside [nbf, exp), as Key
// Vault does; listings still show such secrets' metadata.
func (h *Handler) usable(v store.SecretVersion) *apiError {
	now := h.now()
	switch {
	case !v.Enabled:
		return &apiError{status: http.StatusForbidden, code: "Forbidden",
			msg: "Operation get is not allowed on a disabled secret.", inner: "SecretDisabled"}
	case !v.NotBefore.IsZero() && now.Before(v.NotBefore):
		return &apiError{status: http.StatusForbidden, code: "Forbidden",
			msg: "Operation get is not allowed on a secret that is not yet valid (nbf).", inner: "SecretNotYetValid"}
	case !v.Expires.IsZero() && !now.Before(v.Expires):
		return &apiError{status: http.StatusForbidden, code: "Forbidden",
			msg: "Operation get is not allowed on an expired secret.", inner: "SecretExpired"}
	}
	return nil
}

// update changes a version's properties (PATCH /secrets/{name}/[{version}]).
// The response has no value: update/action does not grant reading it.
func (h *Handler) update(c *call) error {
	var in secretIn
	if err := decode(c.w, c.r, &in); err != nil {
		return err
	}
	if err := in.validate(false); err != nil {
		return err
	}
	if c.op.version != "" && !isVersion(c.op.version) {
		return secretNotFound(c.op.name, c.op.version)
	}
	var out store.SecretVersion
	err := h.store.UpdateSecretVersion(c.ctx(), c.vault.ID, c.op.name, c.op.version, func(v store.SecretVersion) (store.SecretVersion, error) {
		if in.ContentType != nil {
			v.ContentType = *in.ContentType
		}
		if in.Tags != nil {
			v.Tags = in.Tags
		}
		if a := in.Attributes; a != nil {
			if a.Enabled != nil {
				v.Enabled = *a.Enabled
			}
			v.NotBefore, v.Expires = epoch(a.NotBefore, v.NotBefore), epoch(a.Expires, v.Expires)
		}
		v.UpdatedAt = h.now().UTC()
		out = v
		return v, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return secretNotFound(c.op.name, c.op.version)
	}
	if err != nil {
		return internal(err)
	}
	writeJSON(c.w, http.StatusOK, render(c.addr.IDBase(), out, true))
	return nil
}

// asAPIError passes an *apiError from inside a transaction through and
// hides anything else.
func asAPIError(err error) error {
	var e *apiError
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

package vault

import (
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/store"
)

// delete soft-deletes a secret with all its versions (DELETE
// /secrets/{name}). The answer, like Azure's, has no value.
func (h *Handler) delete(c *call) error {
	now := h.now().UTC()
	d, err := h.store.DeleteSecret(c.ctx(), c.vault.ID, c.op.name, now, now.Add(retention))
	if errors.Is(err, store.ErrNotFound) {
		return secretNotFound(c.op.name, "")
	}
	if err != nil {
		return internal(err)
	}
	writeJSON(c.w, http.StatusOK, renderDeleted(c.addr.IDBase(), d, true))
	return nil
}

// deleted reads a deleted secret in tx. One whose purge date has passed
// is purged there and reported gone (there is no background purger:
// expiry is applied when the secret is next touched); the caller commits
// the purge and answers "not found".
func (h *Handler) deleted(c *call, tx store.Tx) (d store.DeletedSecret, gone bool, err error) {
	d, err = tx.GetDeletedSecret(c.ctx(), c.vault.ID, c.op.name)
	if errors.Is(err, store.ErrNotFound) {
		return d, true, nil
	}
	if err != nil {
		return d, false, err
	}
	if !d.ScheduledPurgeAt.IsZero() && !h.now().Before(d.ScheduledPurgeAt) {
		return d, true, tx.PurgeSecret(c.ctx(), c.vault.ID, c.op.name)
	}
	return d, false, nil
}

// getDeleted is GET /deletedsecrets/{name}.
func (h *Handler) getDeleted(c *call) error {
	var d store.DeletedSecret
	var gone bool
	err := h.store.Update(c.ctx(), func(tx store.Tx) error {
		var err error
		d, gone, err = h.deleted(c, tx)
		return err
	})
	switch {
	case err != nil:
		return internal(err)
	case gone:
		return deletedSecretNotFound(c.op.name)
	}
	writeJSON(c.w, http.StatusOK, renderDeleted(c.addr.IDBase(), d, true))
	return nil
}

// recover makes a deleted secret live again (POST
// /deletedsecrets/{name}/recover). The answer is the latest version
// without its value: recover/action does not grant reading it.
func (h *Handler) recover(c *call) error {
	var v store.SecretVersion
	var gone bool
	err := h.store.Update(c.ctx(), func(tx store.Tx) error {
		var err error
		if _, gone, err = h.deleted(c, tx); err != nil || gone {
			return err
		}
		if err := tx.RecoverSecret(c.ctx(), c.vault.ID, c.op.name); err != nil {
			return err
		}
		v, err = tx.GetSecretVersion(c.ctx(), c.vault.ID, c.op.name, "")
		return err
	})
	switch {
	case err != nil:
		return internal(err)
	case gone:
		return deletedSecretNotFound(c.op.name)
	}
	writeJSON(c.w, http.StatusOK, render(c.addr.IDBase(), v, true))
	return nil
}

// purge erases a deleted secret for good (DELETE /deletedsecrets/{name}).
func (h *Handler) purge(c *call) error {
	err := h.store.PurgeSecret(c.ctx(), c.vault.ID, c.op.name)
	if errors.Is(err, store.ErrNotFound) {
		return deletedSecretNotFound(c.op.name)
	}
	if err != nil {
		return internal(err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

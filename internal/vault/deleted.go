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

// withDeleted runs fn in a transaction on the deleted secret c names. When
// there is none, or its purge date has passed (it is purged now), fn is
// not called and the answer is DeletedSecretNotFound.
func (h *Handler) withDeleted(c *call, fn func(tx store.Tx, d store.DeletedSecret) error) error {
	var gone bool
	err := h.store.Update(c.ctx(), func(tx store.Tx) error {
		d, g, err := h.deleted(c, tx)
		if gone = g; err != nil || gone {
			return err
		}
		return fn(tx, d)
	})
	switch {
	case err != nil:
		return internal(err)
	case gone:
		return deletedSecretNotFound(c.op.name)
	}
	return nil
}

// getDeleted is GET /deletedsecrets/{name}.
func (h *Handler) getDeleted(c *call) error {
	var d store.DeletedSecret
	err := h.withDeleted(c, func(_ store.Tx, got store.DeletedSecret) error {
		d = got
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, renderDeleted(c.addr.IDBase(), d, true))
	return nil
}

// recover makes a deleted secret live again (POST
// /deletedsecrets/{name}/recover). The answer is the latest version
// without its value: recover/action does not grant reading it.
func (h *Handler) recover(c *call) error {
	var v store.SecretVersion
	err := h.withDeleted(c, func(tx store.Tx, _ store.DeletedSecret) error {
		if err := tx.RecoverSecret(c.ctx(), c.vault.ID, c.op.name); err != nil {
			return err
		}
		var err error
		v, err = tx.GetSecretVersion(c.ctx(), c.vault.ID, c.op.name, "")
		return err
	})
	if err != nil {
		return err
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

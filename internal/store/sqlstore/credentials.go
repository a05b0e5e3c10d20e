package sqlstore

import (
	"context"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

func (o *ops) CreateCredential(ctx context.Context, c store.Credential) error {
	if c.ID == "" || c.PrincipalID == "" {
		return errEmptyID
	}
	if _, err := o.GetPrincipal(ctx, c.PrincipalID); err != nil {
		return err
	}
	taken, err := o.exists(ctx, `SELECT 1 FROM credentials WHERE principal_key = ? AND id_key = ?`,
		key(c.PrincipalID), key(c.ID))
	if err != nil {
		return o.fail("create credential", err)
	}
	if taken {
		return fmt.Errorf("credential %q: %w", c.ID, store.ErrConflict)
	}
	_, err = o.exec(ctx, `INSERT INTO credentials (principal_key, id_key, id, kind, display_name,
		hash, hint, data, starts_at, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		key(c.PrincipalID), key(c.ID), c.ID, c.Kind, c.DisplayName, c.Hash, c.Hint, c.Data,
		encTime(c.StartsAt), encTime(c.ExpiresAt), encTime(c.CreatedAt))
	if err != nil {
		return o.fail("create credential", err)
	}
	return nil
}

// ListCredentials returns principalID's credentials, oldest first;
// ErrNotFound if the principal does not exist.
func (o *ops) ListCredentials(ctx context.Context, principalID string) ([]store.Credential, error) {
	p, err := o.GetPrincipal(ctx, principalID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(ctx, o, func(r scanner) (store.Credential, error) {
		c := store.Credential{PrincipalID: p.ID}
		var starts, expires, created string
		if err := r.Scan(&c.ID, &c.Kind, &c.DisplayName, &c.Hash, &c.Hint, &c.Data,
			&starts, &expires, &created); err != nil {
			return c, err
		}
		var err error
		if c.StartsAt, err = decTime(starts); err != nil {
			return c, err
		}
		if c.ExpiresAt, err = decTime(expires); err != nil {
			return c, err
		}
		c.CreatedAt, err = decTime(created)
		return c, err
	}, `SELECT id, kind, display_name, hash, hint, data, starts_at, expires_at, created_at
		FROM credentials WHERE principal_key = ? ORDER BY created_at, id_key`, key(principalID))
	if err != nil {
		return nil, o.fail("list credentials", err)
	}
	return out, nil
}

func (o *ops) DeleteCredential(ctx context.Context, principalID, id string) error {
	res, err := o.exec(ctx, `DELETE FROM credentials WHERE principal_key = ? AND id_key = ?`,
		key(principalID), key(id))
	if err != nil {
		return o.fail("delete credential", err)
	}
	return mustAffect(res, fmt.Sprintf("credential %q", id))
}

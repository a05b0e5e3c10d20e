package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

func (o *ops) deletedTimes(ctx context.Context, vaultID, name string) (deleted, purge time.Time, err error) {
	var d, p string
	err = o.row(ctx, `SELECT deleted_at, purge_at FROM secrets WHERE vault_key = ? AND name_key = ?`,
		resKey(vaultID), key(name)).Scan(&d, &p)
	if err != nil {
		return deleted, purge, o.notFound("get deleted secret", fmt.Sprintf("secret %q", name), err)
	}
	err = decTimes([]*time.Time{&deleted, &purge}, d, p)
	return deleted, purge, err
}

func (o *ops) DeleteSecret(ctx context.Context, vaultID, name string, deletedAt, purgeAt time.Time) (store.DeletedSecret, error) {
	if deletedAt.IsZero() {
		return store.DeletedSecret{}, fmt.Errorf("store: delete secret %q: zero deletion time", name)
	}
	res, err := o.exec(ctx, `UPDATE secrets SET deleted_at = ?, purge_at = ?
		WHERE vault_key = ? AND name_key = ? AND deleted_at = ''`,
		encTime(deletedAt), encTime(purgeAt), resKey(vaultID), key(name))
	if err != nil {
		return store.DeletedSecret{}, o.fail("delete secret", err)
	}
	if err := mustAffect(res, fmt.Sprintf("secret %q", name)); err != nil {
		return store.DeletedSecret{}, err
	}
	return o.GetDeletedSecret(ctx, vaultID, name)
}

func (o *ops) GetDeletedSecret(ctx context.Context, vaultID, name string) (store.DeletedSecret, error) {
	v, err := o.getVersion(ctx, vaultID, name, "", false, "")
	if err != nil {
		return store.DeletedSecret{}, err
	}
	d := store.DeletedSecret{Latest: v}
	d.DeletedAt, d.ScheduledPurgeAt, err = o.deletedTimes(ctx, vaultID, name)
	return d, err
}

func (o *ops) ListDeletedSecrets(ctx context.Context, vaultID string, p store.SecretPage) ([]store.DeletedSecret, error) {
	scan := scanVersion(vaultID)
	out, err := scanAll(ctx, o, func(r scanner) (store.DeletedSecret, error) {
		var d store.DeletedSecret
		var del, purge string
		v, err := scan(multiScan{r, []any{&del, &purge}})
		if err != nil {
			return d, err
		}
		d.Latest = v
		return d, decTimes([]*time.Time{&d.DeletedAt, &d.ScheduledPurgeAt}, del, purge)
	}, `SELECT `+versionCols+`, s.deleted_at, s.purge_at`+versionJoin+`AND v.version = s.latest
		WHERE s.vault_key = ? AND s.deleted_at <> '' AND s.name_key > ? ORDER BY s.name_key LIMIT ?`,
		resKey(vaultID), key(p.After), p.Limit)
	if err != nil {
		return nil, o.fail("list deleted secrets", err)
	}
	return out, nil
}

// multiScan appends extra destinations to a scan, so one row scanner can
// be reused for a query selecting more columns.
type multiScan struct {
	r     scanner
	extra []any
}

func (m multiScan) Scan(dest ...any) error { return m.r.Scan(append(dest, m.extra...)...) }

func (o *ops) RecoverSecret(ctx context.Context, vaultID, name string) error {
	res, err := o.exec(ctx, `UPDATE secrets SET deleted_at = '', purge_at = ''
		WHERE vault_key = ? AND name_key = ? AND deleted_at <> ''`, resKey(vaultID), key(name))
	if err != nil {
		return o.fail("recover secret", err)
	}
	return mustAffect(res, fmt.Sprintf("deleted secret %q", name))
}

func (o *ops) PurgeSecret(ctx context.Context, vaultID, name string) error {
	vk, nk := resKey(vaultID), key(name)
	found, err := o.exists(ctx, `SELECT 1 FROM secrets WHERE vault_key = ? AND name_key = ? AND deleted_at <> ''`, vk, nk)
	if err != nil {
		return o.fail("purge secret", err)
	}
	if !found {
		return fmt.Errorf("deleted secret %q: %w", name, store.ErrNotFound)
	}
	for _, q := range []string{
		`DELETE FROM secret_versions WHERE vault_key = ? AND name_key = ?`,
		`DELETE FROM secrets WHERE vault_key = ? AND name_key = ?`,
	} {
		if _, err := o.exec(ctx, q, vk, nk); err != nil {
			return o.fail("purge secret", err)
		}
	}
	return nil
}

// deleteVaultData removes the secrets and data keys of the vault k and of
// every vault below it (DeleteResource of a group or subscription).
func (o *ops) deleteVaultData(ctx context.Context, k string) error {
	for _, table := range []string{"secret_versions", "secrets", "vault_keys"} {
		cond, a := below("vault_key", k)
		if _, err := o.exec(ctx, `DELETE FROM `+table+` WHERE vault_key = ? OR `+cond, append([]any{k}, a...)...); err != nil {
			return o.fail("delete resource", err)
		}
	}
	return nil
}

// The Store's own writes, each in its own transaction (see store_writes.go).

func (s *Store) CreateVaultKey(ctx context.Context, k store.VaultKey) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreateVaultKey(ctx, k) })
}

func (s *Store) PutSecretVersion(ctx context.Context, v store.SecretVersion) (store.SecretVersion, error) {
	var out store.SecretVersion
	err := s.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.PutSecretVersion(ctx, v)
		return err
	})
	return out, err
}

func (s *Store) UpdateSecretVersion(ctx context.Context, vaultID, name, version string, fn func(store.SecretVersion) (store.SecretVersion, error)) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.UpdateSecretVersion(ctx, vaultID, name, version, fn) })
}

func (s *Store) DeleteSecret(ctx context.Context, vaultID, name string, deletedAt, purgeAt time.Time) (store.DeletedSecret, error) {
	var out store.DeletedSecret
	err := s.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.DeleteSecret(ctx, vaultID, name, deletedAt, purgeAt)
		return err
	})
	return out, err
}

func (s *Store) RecoverSecret(ctx context.Context, vaultID, name string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.RecoverSecret(ctx, vaultID, name) })
}

func (s *Store) PurgeSecret(ctx context.Context, vaultID, name string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.PurgeSecret(ctx, vaultID, name) })
}

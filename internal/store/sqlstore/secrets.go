package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// versionCols are a secret_versions row joined with its secrets row (s).
const versionCols = `s.name, v.version, v.value, v.content_type, v.tags, v.enabled,
	v.not_before, v.expires, v.created_at, v.updated_at`

const versionJoin = ` FROM secrets s JOIN secret_versions v
	ON v.vault_key = s.vault_key AND v.name_key = s.name_key `

func scanVersion(vaultID string) func(scanner) (store.SecretVersion, error) {
	return func(r scanner) (store.SecretVersion, error) {
		v := store.SecretVersion{VaultID: vaultID}
		var tags sql.NullString
		var enabled int64
		var nbf, exp, created, updated string
		err := r.Scan(&v.Name, &v.Version, &v.Value, &v.ContentType, &tags, &enabled,
			&nbf, &exp, &created, &updated)
		if err != nil {
			return v, err
		}
		if tags.Valid {
			if err := decJSON(tags.String, &v.Tags); err != nil {
				return v, err
			}
		}
		v.Enabled = enabled != 0
		return v, decTimes([]*time.Time{&v.NotBefore, &v.Expires, &v.CreatedAt, &v.UpdatedAt},
			nbf, exp, created, updated)
	}
}

func tagsOrNull(tags map[string]string) (any, error) {
	if tags == nil {
		return nil, nil
	}
	return encJSON(tags)
}

func (o *ops) GetVaultKey(ctx context.Context, vaultID string) (store.VaultKey, error) {
	k := store.VaultKey{}
	var created string
	err := o.row(ctx, `SELECT vault_id, generation, sealed, created_at FROM vault_keys WHERE vault_key = ?`,
		resKey(vaultID)).Scan(&k.VaultID, &k.Generation, &k.Sealed, &created)
	if err != nil {
		return k, o.notFound("get vault key", fmt.Sprintf("key of vault %q", vaultID), err)
	}
	k.CreatedAt, err = decTime(created)
	return k, err
}

func (o *ops) CreateVaultKey(ctx context.Context, k store.VaultKey) error {
	if k.VaultID == "" {
		return errEmptyID
	}
	_, err := o.exec(ctx, `INSERT INTO vault_keys (vault_key, vault_id, generation, sealed, created_at)
		VALUES (?, ?, ?, ?, ?)`, resKey(k.VaultID), k.VaultID, k.Generation, k.Sealed, encTime(k.CreatedAt))
	if err != nil {
		return o.fail("create vault key", err)
	}
	return nil
}

func (o *ops) PutSecretVersion(ctx context.Context, v store.SecretVersion) (store.SecretVersion, error) {
	if v.VaultID == "" || v.Name == "" || v.Version == "" {
		return v, errEmptyID
	}
	vk, nk, ver := resKey(v.VaultID), key(v.Name), key(v.Version)
	var name, deleted string
	var seq int64
	err := o.row(ctx, `SELECT name, deleted_at, seq FROM secrets WHERE vault_key = ? AND name_key = ?`+o.d.ForUpdate,
		vk, nk).Scan(&name, &deleted, &seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		name, seq = v.Name, 1
		_, err = o.exec(ctx, `INSERT INTO secrets (vault_key, name_key, name, latest, seq, deleted_at, purge_at)
			VALUES (?, ?, ?, ?, 1, '', '')`, vk, nk, v.Name, ver)
	case err != nil:
	case deleted != "":
		return v, fmt.Errorf("secret %q is deleted: %w", name, store.ErrConflict)
	default:
		seq++
		_, err = o.exec(ctx, `UPDATE secrets SET latest = ?, seq = ? WHERE vault_key = ? AND name_key = ?`,
			ver, seq, vk, nk)
	}
	if err != nil {
		return v, o.fail("put secret", err)
	}
	tags, err := tagsOrNull(v.Tags)
	if err != nil {
		return v, err
	}
	_, err = o.exec(ctx, `INSERT INTO secret_versions (vault_key, name_key, version, seq, value,
		content_type, tags, enabled, not_before, expires, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, vk, nk, ver, seq, v.Value, v.ContentType, tags,
		b2i(v.Enabled), encTime(v.NotBefore), encTime(v.Expires), encTime(v.CreatedAt), encTime(v.UpdatedAt))
	if err != nil {
		return v, o.fail("put secret", err)
	}
	v.Name, v.Version = name, ver
	return v, nil
}

// getVersion reads a version of the secret in state live (or deleted).
func (o *ops) getVersion(ctx context.Context, vaultID, name, version string, live bool, suffix string) (store.SecretVersion, error) {
	q := `SELECT ` + versionCols + versionJoin + `WHERE s.vault_key = ? AND s.name_key = ? AND ` + stateCond(live)
	args := []any{resKey(vaultID), key(name)}
	if version == "" {
		q += ` AND v.version = s.latest`
	} else {
		q += ` AND v.version = ?`
		args = append(args, key(version))
	}
	v, err := scanVersion(vaultID)(o.row(ctx, q+suffix, args...))
	if err != nil {
		return v, o.notFound("get secret", fmt.Sprintf("secret %q version %q", name, version), err)
	}
	return v, nil
}

func stateCond(live bool) string {
	if live {
		return `s.deleted_at = ''`
	}
	return `s.deleted_at <> ''`
}

func (o *ops) GetSecretVersion(ctx context.Context, vaultID, name, version string) (store.SecretVersion, error) {
	return o.getVersion(ctx, vaultID, name, version, true, "")
}

func (o *ops) UpdateSecretVersion(ctx context.Context, vaultID, name, version string, fn func(store.SecretVersion) (store.SecretVersion, error)) error {
	old, err := o.getVersion(ctx, vaultID, name, version, true, o.d.ForUpdate)
	if err != nil {
		return err
	}
	v, err := fn(old)
	if err != nil {
		return err
	}
	if key(v.Name) != key(old.Name) || v.Version != old.Version || resKey(v.VaultID) != resKey(old.VaultID) {
		return fmt.Errorf("store: secret %q: vault, name and version cannot change", old.Name)
	}
	tags, err := tagsOrNull(v.Tags)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `UPDATE secret_versions SET content_type = ?, tags = ?, enabled = ?,
		not_before = ?, expires = ?, updated_at = ? WHERE vault_key = ? AND name_key = ? AND version = ?`,
		v.ContentType, tags, b2i(v.Enabled), encTime(v.NotBefore), encTime(v.Expires), encTime(v.UpdatedAt),
		resKey(vaultID), key(name), old.Version)
	if err != nil {
		return o.fail("update secret", err)
	}
	return nil
}

func (o *ops) ListSecrets(ctx context.Context, vaultID string, p store.SecretPage) ([]store.SecretVersion, error) {
	out, err := scanAll(ctx, o, scanVersion(vaultID), `SELECT `+versionCols+versionJoin+`AND v.version = s.latest
		WHERE s.vault_key = ? AND s.deleted_at = '' AND s.name_key > ? ORDER BY s.name_key LIMIT ?`,
		resKey(vaultID), key(p.After), p.Limit)
	if err != nil {
		return nil, o.fail("list secrets", err)
	}
	return out, nil
}

func (o *ops) ListSecretVersions(ctx context.Context, vaultID, name string, p store.SecretPage) ([]store.SecretVersion, error) {
	vk, nk := resKey(vaultID), key(name)
	found, err := o.exists(ctx, `SELECT 1 FROM secrets WHERE vault_key = ? AND name_key = ? AND deleted_at = ''`, vk, nk)
	if err != nil {
		return nil, o.fail("list secret versions", err)
	}
	if !found {
		return nil, fmt.Errorf("secret %q: %w", name, store.ErrNotFound)
	}
	// An unknown After starts from the beginning rather than failing: a
	// skip token is client input.
	out, err := scanAll(ctx, o, scanVersion(vaultID), `SELECT `+versionCols+versionJoin+`
		WHERE s.vault_key = ? AND s.name_key = ? AND v.seq > COALESCE((SELECT seq FROM secret_versions
		WHERE vault_key = ? AND name_key = ? AND version = ?), 0) ORDER BY v.seq LIMIT ?`,
		vk, nk, vk, nk, key(p.After), p.Limit)
	if err != nil {
		return nil, o.fail("list secret versions", err)
	}
	return out, nil
}

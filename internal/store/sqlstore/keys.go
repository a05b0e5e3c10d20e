package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// PutKey creates or replaces k by ID (key IDs are case-sensitive, as in JWKS).
func (o *ops) PutKey(ctx context.Context, k store.SigningKey) error {
	if k.ID == "" {
		return errEmptyID
	}
	_, err := o.exec(ctx, `INSERT INTO signing_keys (id, algorithm, private_key, public_key,
		created_at, active_at, retire_at, expire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET algorithm = excluded.algorithm,
		private_key = excluded.private_key, public_key = excluded.public_key,
		created_at = excluded.created_at, active_at = excluded.active_at,
		retire_at = excluded.retire_at, expire_at = excluded.expire_at`,
		k.ID, k.Algorithm, k.Private, k.Public, encTime(k.CreatedAt), encTime(k.ActiveAt),
		encTime(k.RetireAt), encTime(k.ExpireAt))
	if err != nil {
		return o.fail("put key", err)
	}
	return nil
}

// ListKeys returns every key, oldest first.
func (o *ops) ListKeys(ctx context.Context) ([]store.SigningKey, error) {
	out, err := scanAll(ctx, o, func(r scanner) (store.SigningKey, error) {
		var k store.SigningKey
		var created, active, retire, expire string
		if err := r.Scan(&k.ID, &k.Algorithm, &k.Private, &k.Public, &created, &active, &retire, &expire); err != nil {
			return k, err
		}
		return k, decTimes([]*time.Time{&k.CreatedAt, &k.ActiveAt, &k.RetireAt, &k.ExpireAt},
			created, active, retire, expire)
	}, `SELECT id, algorithm, private_key, public_key, created_at, active_at, retire_at, expire_at
		FROM signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, o.fail("list keys", err)
	}
	return out, nil
}

func (o *ops) DeleteKey(ctx context.Context, id string) error {
	res, err := o.exec(ctx, `DELETE FROM signing_keys WHERE id = ?`, id)
	if err != nil {
		return o.fail("delete key", err)
	}
	return mustAffect(res, fmt.Sprintf("key %q", id))
}

package sqlstore

import (
	"context"

	"github.com/lanyardhq/lanyard/internal/store"
)

// change appends one entry to the change feed in the current transaction.
// The revision comes from a single counter row: incrementing it takes that
// row's write lock until commit, so concurrent RBAC writers serialise and
// revisions increase in commit order on every engine (a sequence would
// not: on PostgreSQL a later-committing transaction may hold a smaller
// sequence value, and a reader could skip it for good).
func (o *ops) change(ctx context.Context, kind, k string) error {
	var rev int64
	err := o.row(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value`).Scan(&rev)
	if err != nil {
		return o.fail("allocate revision", err)
	}
	if _, err := o.exec(ctx, `INSERT INTO changes (revision, kind, change_key) VALUES (?, ?, ?)`, rev, kind, k); err != nil {
		return o.fail("append change", err)
	}
	return nil
}

// ChangesSince returns changes after revision in order; limit <= 0 means
// no limit.
func (o *ops) ChangesSince(ctx context.Context, revision int64, limit int) ([]store.Change, error) {
	q := `SELECT revision, kind, change_key FROM changes WHERE revision > ? ORDER BY revision`
	args := []any{revision}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	out, err := scanAll(ctx, o, func(r scanner) (store.Change, error) {
		var c store.Change
		err := r.Scan(&c.Revision, &c.Kind, &c.Key)
		return c, err
	}, q, args...)
	if err != nil {
		return nil, o.fail("list changes", err)
	}
	return out, nil
}

func (o *ops) LatestRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := o.row(ctx, `SELECT value FROM counters WHERE name = 'revision'`).Scan(&rev); err != nil {
		return 0, o.fail("latest revision", err)
	}
	return rev, nil
}

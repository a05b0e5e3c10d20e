package sqlstore

import (
	"context"
	"fmt"
)

func (o *ops) GetMeta(ctx context.Context, name string) (string, error) {
	var v string
	err := o.row(ctx, `SELECT value FROM meta WHERE name = ?`, name).Scan(&v)
	if err != nil {
		return "", o.notFound("get meta", fmt.Sprintf("meta %q", name), err)
	}
	return v, nil
}

func (o *ops) SetMeta(ctx context.Context, name, value string) error {
	_, err := o.exec(ctx, `INSERT INTO meta (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return o.fail("set meta", err)
	}
	return nil
}

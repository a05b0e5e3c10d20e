package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

const hostCols = `id, join_token_hash, join_expires_at, cert_serial, cert_expires_at,
	prev_cert_serial, prev_cert_expires_at, joined_at, created_at, updated_at`

func scanHost(r scanner) (store.Host, error) {
	var h store.Host
	var joinExp, certExp, prevExp, joined, created, updated string
	err := r.Scan(&h.ID, &h.JoinTokenHash, &joinExp, &h.CertSerial, &certExp,
		&h.PrevCertSerial, &prevExp, &joined, &created, &updated)
	if err != nil {
		return h, err
	}
	return h, decTimes([]*time.Time{&h.JoinExpiresAt, &h.CertExpiresAt, &h.PrevCertExpiresAt,
		&h.JoinedAt, &h.CreatedAt, &h.UpdatedAt}, joinExp, certExp, prevExp, joined, created, updated)
}

// hostArgs are h's columns after id_key and id, in table order.
func hostArgs(h store.Host) []any {
	return []any{h.JoinTokenHash, nullKey(h.JoinTokenHash), encTime(h.JoinExpiresAt),
		h.CertSerial, nullKey(h.CertSerial), encTime(h.CertExpiresAt),
		h.PrevCertSerial, nullKey(h.PrevCertSerial), encTime(h.PrevCertExpiresAt),
		encTime(h.JoinedAt), encTime(h.CreatedAt), encTime(h.UpdatedAt)}
}

// PutHost creates or wholly replaces h by ID. Another host holding the same
// join token hash is ErrConflict.
func (o *ops) PutHost(ctx context.Context, h store.Host) error {
	if h.ID == "" {
		return errEmptyID
	}
	_, err := o.exec(ctx, `INSERT INTO hosts (id_key, id, join_token_hash, join_key,
		join_expires_at, cert_serial, cert_key, cert_expires_at, prev_cert_serial, prev_cert_key,
		prev_cert_expires_at, joined_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id_key) DO UPDATE SET id = excluded.id,
		join_token_hash = excluded.join_token_hash, join_key = excluded.join_key,
		join_expires_at = excluded.join_expires_at, cert_serial = excluded.cert_serial,
		cert_key = excluded.cert_key, cert_expires_at = excluded.cert_expires_at,
		prev_cert_serial = excluded.prev_cert_serial, prev_cert_key = excluded.prev_cert_key,
		prev_cert_expires_at = excluded.prev_cert_expires_at, joined_at = excluded.joined_at,
		created_at = excluded.created_at, updated_at = excluded.updated_at`,
		append([]any{resKey(h.ID), h.ID}, hostArgs(h)...)...)
	if err != nil {
		return o.fail("put host", err)
	}
	return nil
}

func (o *ops) hostWhere(ctx context.Context, what, cond string, args ...any) (store.Host, error) {
	h, err := scanHost(o.row(ctx, `SELECT `+hostCols+` FROM hosts WHERE `+cond, args...))
	if err != nil {
		return h, o.notFound("get host", what, err)
	}
	return h, nil
}

func (o *ops) GetHost(ctx context.Context, id string) (store.Host, error) {
	return o.hostWhere(ctx, fmt.Sprintf("host %q", id), `id_key = ?`, resKey(id))
}

// GetHostByJoinToken never matches "": a host without a pending token
// cannot be found by the empty hash.
func (o *ops) GetHostByJoinToken(ctx context.Context, hash string) (store.Host, error) {
	if hash == "" {
		return store.Host{}, fmt.Errorf("host by join token: %w", store.ErrNotFound)
	}
	// The hash is not put in the error: it identifies a live credential.
	return o.hostWhere(ctx, "host by join token", `join_key = ?`, key(hash))
}

// GetHostByCertSerial matches the current or the previous serial; the
// caller checks the matching expiry. "" never matches.
func (o *ops) GetHostByCertSerial(ctx context.Context, serial string) (store.Host, error) {
	if serial == "" {
		return store.Host{}, fmt.Errorf("host by certificate serial: %w", store.ErrNotFound)
	}
	k := key(serial)
	return o.hostWhere(ctx, fmt.Sprintf("host with certificate %q", serial),
		`cert_key = ? OR prev_cert_key = ? ORDER BY id_key LIMIT 1`, k, k)
}

func (o *ops) ListHosts(ctx context.Context) ([]store.Host, error) {
	out, err := scanAll(ctx, o, scanHost, `SELECT `+hostCols+` FROM hosts ORDER BY id_key`)
	if err != nil {
		return nil, o.fail("list hosts", err)
	}
	return out, nil
}

// UpdateHost applies fn to the current row; the ID may change only in case.
func (o *ops) UpdateHost(ctx context.Context, id string, fn func(store.Host) (store.Host, error)) error {
	old, err := o.hostWhere(ctx, fmt.Sprintf("host %q", id), `id_key = ?`+o.d.ForUpdate, resKey(id))
	if err != nil {
		return err
	}
	h, err := fn(old)
	if err != nil {
		return err
	}
	if resKey(h.ID) != resKey(old.ID) {
		return fmt.Errorf("store: host %q: ID cannot change", old.ID)
	}
	_, err = o.exec(ctx, `UPDATE hosts SET id = ?, join_token_hash = ?, join_key = ?,
		join_expires_at = ?, cert_serial = ?, cert_key = ?, cert_expires_at = ?,
		prev_cert_serial = ?, prev_cert_key = ?, prev_cert_expires_at = ?, joined_at = ?,
		created_at = ?, updated_at = ? WHERE id_key = ?`,
		append(append([]any{h.ID}, hostArgs(h)...), resKey(old.ID))...)
	if err != nil {
		return o.fail("update host", err)
	}
	return nil
}

func (o *ops) DeleteHost(ctx context.Context, id string) error {
	res, err := o.exec(ctx, `DELETE FROM hosts WHERE id_key = ?`, resKey(id))
	if err != nil {
		return o.fail("delete host", err)
	}
	return mustAffect(res, fmt.Sprintf("host %q", id))
}

// The Store's own host writes each run in their own transaction on the
// write pool (see store_writes.go for why they shadow the read-pool ops).

func (s *Store) PutHost(ctx context.Context, h store.Host) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.PutHost(ctx, h) })
}

func (s *Store) UpdateHost(ctx context.Context, id string, fn func(store.Host) (store.Host, error)) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.UpdateHost(ctx, id, fn) })
}

func (s *Store) DeleteHost(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.DeleteHost(ctx, id) })
}

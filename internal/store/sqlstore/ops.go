package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lanyardhq/lanyard/internal/store"
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ops implements store.Tx on one querier: a transaction inside Update, or
// the read pool for the Store's own (auto-committed) reads.
type ops struct {
	q querier
	d *Dialect
	// stmts, when set, prepares each query once on the pool q belongs to;
	// tx is set when q is a transaction on that pool.
	stmts *stmtCache
	tx    *sql.Tx
}

var _ store.Tx = (*ops)(nil)

func (o *ops) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = o.d.rebind(q)
	if st := o.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return o.q.ExecContext(ctx, q, args...)
}

func (o *ops) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = o.d.rebind(q)
	if st := o.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return o.q.QueryContext(ctx, q, args...)
}

func (o *ops) row(ctx context.Context, q string, args ...any) *sql.Row {
	q = o.d.rebind(q)
	if st := o.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return o.q.QueryRowContext(ctx, q, args...)
}

// stmt is the cached prepared statement for q, bound to the transaction
// when there is one (database/sql reuses the statement already prepared on
// the transaction's connection), or nil to run q unprepared.
func (o *ops) stmt(ctx context.Context, q string) *sql.Stmt {
	switch {
	case o.stmts == nil:
		return nil
	case o.tx == nil:
		return o.stmts.get(ctx, q)
	}
	if st := o.stmts.cached(q); st != nil {
		return o.tx.StmtContext(ctx, st)
	}
	return nil
}

// fail wraps a database error for op, marking unique violations as
// store.ErrConflict while keeping the driver error for retry checks.
func (o *ops) fail(op string, err error) error {
	if o.d.conflict(err) {
		return fmt.Errorf("store: %s: %w: %w", op, store.ErrConflict, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// exists reports whether q (a SELECT of one column) returns a row.
func (o *ops) exists(ctx context.Context, q string, args ...any) (bool, error) {
	var one int
	err := o.row(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// mustAffect turns "no row changed" into ErrNotFound for what.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// notFound maps sql.ErrNoRows to store.ErrNotFound for what.
func (o *ops) notFound(op, what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return o.fail(op, err)
}

// scanAll runs q and collects one value per row with scan.
func scanAll[T any](ctx context.Context, o *ops, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := o.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanString(r scanner) (string, error) {
	var s string
	err := r.Scan(&s)
	return s, err
}

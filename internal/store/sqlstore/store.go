package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// maxAttempts bounds how often Update runs fn when the engine reports a
// serialization failure or a busy database.
const maxAttempts = 8

// Store is a store.Store on database/sql. Its own read methods are single
// auto-committed statements on the read pool; its write methods each run
// in their own Update (store_writes.go).
type Store struct {
	*ops  // reads, bound to the read pool
	write *sql.DB
	read  *sql.DB
	d     *Dialect
	// Prepared statements, one cache per pool.
	readStmts, writeStmts *stmtCache
}

var _ store.Store = (*Store)(nil)

// Config says which pools and dialect a Store uses.
type Config struct {
	// Write runs Update's transactions and migrations.
	Write *sql.DB
	// Read serves reads outside Update; nil means Write.
	Read    *sql.DB
	Dialect Dialect
}

// New migrates the schema and returns the Store. The Store owns the pools:
// Close closes them.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Write == nil {
		return nil, errors.New("sqlstore: no write pool")
	}
	if cfg.Read == nil {
		cfg.Read = cfg.Write
	}
	d := cfg.Dialect
	if d.BlobType == "" {
		d.BlobType = "BLOB"
	}
	if err := migrate(ctx, cfg.Write, &d); err != nil {
		return nil, err
	}
	s := &Store{write: cfg.Write, read: cfg.Read, d: &d,
		readStmts: newStmtCache(cfg.Read), writeStmts: newStmtCache(cfg.Write)}
	s.ops = &ops{q: cfg.Read, d: &d, stmts: s.readStmts}
	return s, nil
}

// Update runs fn in one transaction on the write pool, committing if fn
// returns nil. A panic in fn rolls back and propagates. Busy or
// serialization failures rerun fn, at most maxAttempts times in all.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	defer s.writeStmts.preparePending(context.WithoutCancel(ctx))
	for attempt := 1; ; attempt++ {
		err := s.once(ctx, fn)
		if err == nil || attempt == maxAttempts || !s.d.retryable(err) {
			return err
		}
		// Jittered backoff so that colliding writers do not collide again.
		wait := time.Duration(attempt)*5*time.Millisecond + rand.N(5*time.Millisecond)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (after %v)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

func (s *Store) once(ctx context.Context, fn func(tx store.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, s.d.TxOptions)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback() // also on panic, which then continues up
		}
	}()
	if err := fn(&ops{q: tx, d: s.d, stmts: s.writeStmts, tx: tx}); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Ping checks both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close closes the prepared statements and the pools.
func (s *Store) Close() error {
	s.readStmts.close()
	s.writeStmts.close()
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

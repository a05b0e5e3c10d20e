package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds a stmtCache. The store's queries are fixed strings
// in this package (plus a few filter combinations), so the bound is never
// reached in practice; past it, queries simply run unprepared.
const maxCachedStmts = 512

// stmtCache keeps one prepared statement per query text on a pool. Parsing
// and planning a statement cost as much as running a point lookup (about
// a fifth of a Key Vault GET's CPU before this cache), and every request
// runs the same few queries. A *sql.Stmt is safe for concurrent use: it
// prepares itself again on each pooled connection it lands on.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// pending are queries first seen inside a transaction. They are
	// prepared after it ends: preparing on the pool needs a free
	// connection, and the write pool's only one belongs to the transaction.
	pending map[string]bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// cached returns q's statement if it is already prepared; otherwise it
// notes q for prepareLater and returns nil. Transactions use it.
func (c *stmtCache) cached(q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st == nil {
		c.mu.Lock()
		if len(c.m)+len(c.pending) < maxCachedStmts {
			c.pending[q] = true
		}
		c.mu.Unlock()
	}
	return st
}

// preparePending prepares the queries transactions noted; call it with no
// transaction open on the pool.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.RLock()
	n := len(c.pending)
	c.mu.RUnlock()
	if n == 0 {
		return
	}
	c.mu.Lock()
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		qs = append(qs, q)
		delete(c.pending, q)
	}
	c.mu.Unlock()
	for _, q := range qs {
		c.get(ctx, q)
	}
}

// get returns the prepared statement for q, or nil when it cannot be
// prepared or cached (the caller then runs q directly, so a prepare error
// is reported by the real call).
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	c.mu.RLock()
	st, full := c.m[q], len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if st != nil || full {
		return st
	}
	// Prepare without holding mu: preparing waits for a free connection,
	// and a transaction holding one may be waiting for mu in cached.
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[q]; prev != nil {
		st.Close()
		return prev
	}
	c.m[q] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

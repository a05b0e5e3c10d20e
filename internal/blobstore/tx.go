package blobstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// errStaleAccount wraps ErrContainerNotFound: a caller holding an older
// generation of an account than the one stored is talking about an
// account that was deleted, whose containers are gone.
var errStaleAccount = fmt.Errorf("%w (account superseded by a newer one of the same name)", ErrContainerNotFound)

// garbage collects the files a write stops referencing; they are dropped
// only after the transaction commits.
type garbage []string

func (g *garbage) add(ids ...string) {
	for _, id := range ids {
		if id != "" {
			*g = append(*g, id)
		}
	}
}

// update runs fn in one write transaction for account a, after making sure
// the stored generation of a is a's (wiping an older account first). The
// files fn puts in the garbage are deleted after a successful commit.
func (s *Store) update(ctx context.Context, a Account, fn func(tx *sql.Tx, g *garbage) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("blobstore: begin: %w", err)
	}
	var g garbage
	changed, err := s.ensureGeneration(ctx, tx, a, &g)
	if err == nil && fn != nil {
		err = fn(tx, &g)
	}
	if err == nil {
		if err = tx.Commit(); err != nil {
			err = fmt.Errorf("blobstore: commit: %w", err)
		}
	} else {
		tx.Rollback()
	}
	if err != nil {
		if changed {
			s.forgetGeneration(a.Name)
		}
		return err
	}
	s.files.drop(g)
	return nil
}

// checkGeneration is the read path's generation check: a cache hit costs
// a map lookup; a miss takes a write transaction that records (or wipes).
func (s *Store) checkGeneration(ctx context.Context, a Account) error {
	s.genMu.Lock()
	gen, ok := s.gens[a.Name]
	s.genMu.Unlock()
	if ok && gen == a.Generation {
		return nil
	}
	if ok && gen > a.Generation {
		return errStaleAccount
	}
	return s.update(ctx, a, nil)
}

func (s *Store) forgetGeneration(name string) {
	s.genMu.Lock()
	delete(s.gens, name)
	s.genMu.Unlock()
}

// ensureGeneration runs inside a write transaction (so it is serialized
// with every other write). It updates the cache before commit so that the
// next write, which can begin as soon as this one commits, already sees
// it; update forgets the entry again if the commit fails.
func (s *Store) ensureGeneration(ctx context.Context, tx *sql.Tx, a Account, g *garbage) (changed bool, err error) {
	s.genMu.Lock()
	gen, ok := s.gens[a.Name]
	s.genMu.Unlock()
	if !ok {
		err := tx.QueryRowContext(ctx, `SELECT generation FROM accounts WHERE name = ?`, a.Name).Scan(&gen)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			gen = a.Generation
			if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (name, generation) VALUES (?, ?)`, a.Name, gen); err != nil {
				return false, fmt.Errorf("blobstore: record account: %w", err)
			}
			changed = true
		case err != nil:
			return false, fmt.Errorf("blobstore: read account: %w", err)
		}
	}
	switch {
	case gen > a.Generation:
		return changed, errStaleAccount
	case gen < a.Generation:
		if err := wipeAccount(ctx, tx, a.Name, g); err != nil {
			return true, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET generation = ? WHERE name = ?`, a.Generation, a.Name); err != nil {
			return true, fmt.Errorf("blobstore: record account: %w", err)
		}
		changed = true
	}
	s.genMu.Lock()
	s.gens[a.Name] = a.Generation
	s.genMu.Unlock()
	return changed, nil
}

// wipeAccount deletes every container, blob and staged block of account.
func wipeAccount(ctx context.Context, tx *sql.Tx, account string, g *garbage) error {
	if err := collectFiles(ctx, tx, g, `account = ?`, account); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM blocks WHERE account = ?`,
		`DELETE FROM blobs WHERE account = ?`,
		`DELETE FROM containers WHERE account = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, account); err != nil {
			return fmt.Errorf("blobstore: wipe account: %w", err)
		}
	}
	return nil
}

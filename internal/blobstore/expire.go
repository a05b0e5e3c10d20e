package blobstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// sweepEvery is how often staging looks for expired blocks. Open sweeps
// too (recover), but a server may run for months: without this, blocks
// staged and never committed would hold their disk space until restart,
// and anyone allowed to stage can stage terabytes.
const sweepEvery = time.Hour

// expireStaged deletes the blocks staged more than stagedTTL ago, in every
// account, if the last sweep is older than sweepEvery. Their files go
// once the transaction commits. It runs in its own transaction, so a
// failed write cannot undo it.
func (s *Store) expireStaged(ctx context.Context, a Account) error {
	now := s.now()
	s.sweepMu.Lock()
	due := now.Sub(s.sweptAt) >= sweepEvery
	if due {
		s.sweptAt = now
	}
	s.sweepMu.Unlock()
	if !due {
		return nil
	}
	cutoff := now.Add(-stagedTTL).Unix()
	err := s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		if err := collectStaged(ctx, tx, g, `staged < ?`, cutoff); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE staged < ?`, cutoff); err != nil {
			return fmt.Errorf("blobstore: expire staged blocks: %w", err)
		}
		return nil
	})
	if err != nil {
		s.sweepMu.Lock()
		s.sweptAt = time.Time{} // try again on the next write
		s.sweepMu.Unlock()
	}
	return err
}

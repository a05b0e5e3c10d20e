package blobstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

func scanContainer(sc scanner) (Container, error) {
	var c Container
	var md string
	var modified int64
	if err := sc.Scan(&c.Name, &md, &c.ETag, &modified); err != nil {
		return Container{}, err
	}
	c.LastModified = time.Unix(modified, 0).UTC()
	var err error
	c.Metadata, err = decodeMetadata(md)
	return c, err
}

const containerCols = `name, metadata, etag, modified`

func containerRow(ctx context.Context, q queryer, a, name string) (*Container, error) {
	c, err := scanContainer(q.QueryRowContext(ctx, `SELECT `+containerCols+` FROM containers
		WHERE account = ? AND name = ?`, a, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blobstore: read container: %w", err)
	}
	return &c, nil
}

// existingContainer is the check a change to a container starts with: it
// must exist, and cond (if any) must accept it.
func existingContainer(ctx context.Context, tx *sql.Tx, a, name string, cond ContainerPrecondition) error {
	cur, err := containerRow(ctx, tx, a, name)
	if err != nil {
		return err
	}
	if cur == nil {
		return ErrContainerNotFound
	}
	if cond != nil {
		return cond(cur)
	}
	return nil
}

// writeContainer stores a new version of the container with metadata md:
// a fresh ETag and Last-Modified, as on any container write.
func (s *Store) writeContainer(ctx context.Context, tx *sql.Tx, a, name string, md map[string]string) (Container, error) {
	now := s.now()
	c := Container{Name: name, Metadata: copyMap(md), ETag: s.tags.next(now), LastModified: stamp(now)}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO containers (account, name, metadata, etag, modified)
		VALUES (?, ?, ?, ?, ?)`, a, c.Name, encodeMetadata(c.Metadata), c.ETag, c.LastModified.Unix())
	if err != nil {
		return Container{}, fmt.Errorf("blobstore: write container: %w", err)
	}
	return c, nil
}

func (s *Store) CreateContainer(ctx context.Context, a Account, name string, md map[string]string) (Container, error) {
	var c Container
	err := s.update(ctx, a, func(tx *sql.Tx, _ *garbage) error {
		cur, err := containerRow(ctx, tx, a.Name, name)
		if err != nil {
			return err
		}
		if cur != nil {
			return ErrContainerExists
		}
		c, err = s.writeContainer(ctx, tx, a.Name, name, md)
		return err
	})
	if err != nil {
		return Container{}, err
	}
	return c, nil
}

func (s *Store) GetContainer(ctx context.Context, a Account, name string) (Container, error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return Container{}, err
	}
	c, err := containerRow(ctx, s.read, a.Name, name)
	if err != nil {
		return Container{}, err
	}
	if c == nil {
		return Container{}, ErrContainerNotFound
	}
	return *c, nil
}

func (s *Store) SetContainerMetadata(ctx context.Context, a Account, name string, md map[string]string, cond ContainerPrecondition) (Container, error) {
	var c Container
	err := s.update(ctx, a, func(tx *sql.Tx, _ *garbage) error {
		if err := existingContainer(ctx, tx, a.Name, name, cond); err != nil {
			return err
		}
		var err error
		c, err = s.writeContainer(ctx, tx, a.Name, name, md)
		return err
	})
	if err != nil {
		return Container{}, err
	}
	return c, nil
}

// DeleteContainer deletes the container with all its blobs and staged blocks.
func (s *Store) DeleteContainer(ctx context.Context, a Account, name string, cond ContainerPrecondition) error {
	return s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		if err := existingContainer(ctx, tx, a.Name, name, cond); err != nil {
			return err
		}
		if err := collectFiles(ctx, tx, g, `account = ? AND container = ?`, a.Name, name); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM blocks WHERE account = ? AND container = ?`,
			`DELETE FROM blobs WHERE account = ? AND container = ?`,
			`DELETE FROM containers WHERE account = ? AND name = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, a.Name, name); err != nil {
				return fmt.Errorf("blobstore: delete container: %w", err)
			}
		}
		return nil
	})
}

// copyMap keeps the store's copy of metadata apart from the caller's map.
func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

package server

import (
	"path/filepath"
	"time"

	"github.com/lanyardhq/lanyard/internal/blob"
	"github.com/lanyardhq/lanyard/internal/blobstore"
	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/vault"
)

// BlobDir is where blob storage keeps its metadata and content, under the
// data directory. It is local to this server (ARCHITECTURE.md §4).
const BlobDir = "blob"

// newDataRouter opens blob storage and composes both data planes. Both
// trust exactly the tokens the management plane trusts (same verifier) and
// decide with the same RBAC index.
func (s *Server) newDataRouter(cfg Config, st store.Store, sealer *seal.Sealer, v *tokens.Verifier, index *rbac.Index, now func() time.Time) (*dataRouter, error) {
	blobs, err := blobstore.Open(filepath.Join(cfg.DataDir, BlobDir), now)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, blobs.Close)
	guard := dataplane.NewGuard(v, index)
	authority := cfg.publicBase() + "/" + s.tenant.TenantID
	kv, err := vault.New(vault.Config{Store: st, Sealer: sealer, Guard: guard, AuthorityURL: authority, Now: now})
	if err != nil {
		return nil, err
	}
	return &dataRouter{
		ep: dataplane.Endpoints{Base: cfg.publicBase(), Domain: cfg.Domain},
		blob: blob.New(blob.Config{
			Store: blobs, Accounts: st, Guard: guard, AuthorityURL: authority, Now: now,
		}),
		vault: kv,
	}, nil
}

package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/lanyardhq/lanyard/internal/atomicfile"
	"github.com/lanyardhq/lanyard/internal/directory"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// Meta keys written on first start.
const (
	metaTenant       = "tenant_id"
	metaSubscription = "default_subscription_id"
	metaAdmin        = "admin_user"
)

// AdminUserName is the administrator created on first start.
const AdminUserName = "admin@lanyard.local"

// AdminPasswordFile is the file, inside the data directory, that holds the
// administrator's initial password. Only its path is ever printed.
const AdminPasswordFile = "admin-password"

// tenant is what first start creates and every later start reads back.
type tenant struct {
	TenantID       string
	SubscriptionID string
	AdminUser      string
	Created        bool // this start created it
}

// bootstrap creates the tenant, the default subscription and the
// administrator (Owner at "/") in one transaction, or reads them back.
func bootstrap(ctx context.Context, st store.Store, dataDir string, now func() time.Time) (tenant, error) {
	t, err := readTenant(ctx, st)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return tenant{}, err
	}
	password := rand.Text() // 26 base32 characters, 130 bits
	hash, err := directory.HashPassword(password)
	if err != nil {
		return tenant{}, err
	}
	// The password file is written before the commit: if the commit fails
	// the next start writes a new one; if the file write failed after a
	// commit, nobody could ever sign in.
	if err := writeSecretFile(filepath.Join(dataDir, AdminPasswordFile), password+"\n"); err != nil {
		return tenant{}, err
	}
	t = tenant{TenantID: uuid.NewString(), SubscriptionID: uuid.NewString(), AdminUser: AdminUserName, Created: true}
	ts := now().UTC()
	owner, _ := rbac.BuiltinByName("Owner")
	err = st.Update(ctx, func(tx store.Tx) error {
		for k, v := range map[string]string{metaTenant: t.TenantID, metaSubscription: t.SubscriptionID, metaAdmin: t.AdminUser} {
			if err := tx.SetMeta(ctx, k, v); err != nil {
				return err
			}
		}
		sub := store.Resource{
			ID: "/subscriptions/" + t.SubscriptionID, Type: "Microsoft.Resources/subscriptions",
			SubscriptionID: t.SubscriptionID, Name: t.SubscriptionID,
			Properties: []byte(`{"displayName":"Default"}`), CreatedAt: ts, UpdatedAt: ts,
		}
		if err := tx.CreateResource(ctx, sub); err != nil {
			return err
		}
		admin := store.Principal{
			ID: uuid.NewString(), Kind: store.KindUser, DisplayName: "Administrator",
			UserName: t.AdminUser, PasswordHash: hash, CreatedAt: ts,
		}
		if err := tx.CreatePrincipal(ctx, admin); err != nil {
			return err
		}
		return tx.CreateAssignment(ctx, store.RoleAssignment{
			Name: uuid.NewString(), Scope: "/", RoleDefinitionID: owner.ID,
			PrincipalID: admin.ID, PrincipalType: "User", Description: "Administrator created on first start",
			CreatedBy: "lanyard", CreatedAt: ts, UpdatedAt: ts,
		})
	})
	if err != nil {
		return tenant{}, fmt.Errorf("creating the tenant: %w", err)
	}
	return t, nil
}

func readTenant(ctx context.Context, st store.Meta) (tenant, error) {
	var t tenant
	var err error
	if t.TenantID, err = st.GetMeta(ctx, metaTenant); err != nil {
		return t, err
	}
	if t.SubscriptionID, err = st.GetMeta(ctx, metaSubscription); err != nil {
		return t, err
	}
	t.AdminUser, err = st.GetMeta(ctx, metaAdmin)
	return t, err
}

// writeSecretFile writes data to path with mode 0600, atomically.
func writeSecretFile(path, data string) error {
	return atomicfile.Write(path, []byte(data), 0o600)
}

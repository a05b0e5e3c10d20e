package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	vault     = rg + "/providers/Microsoft.KeyVault/vaults/Vault1"
	vaultLike = rg + "/providers/Microsoft.KeyVault/vaults/Vault10"
)

// vaultTree is tree plus two vaults whose IDs share a prefix.
func vaultTree(t *testing.T, s store.Store) {
	t.Helper()
	tree(t, s)
	ok(t, s.CreateResource(bg, resource(vault, "Microsoft.KeyVault/vaults")))
	ok(t, s.CreateResource(bg, resource(vaultLike, "Microsoft.KeyVault/vaults")))
}

func version(vaultID, name string, n int) store.SecretVersion {
	return store.SecretVersion{VaultID: vaultID, Name: name, Version: fmt.Sprintf("%032x", n),
		Value: []byte{byte(n), 0, 'c'}, ContentType: "text/plain", Tags: map[string]string{"n": fmt.Sprint(n)},
		Enabled: true, CreatedAt: at(n), UpdatedAt: at(n)}
}

func put(t *testing.T, s store.Store, v store.SecretVersion) store.SecretVersion {
	t.Helper()
	got, err := s.PutSecretVersion(bg, v)
	ok(t, err)
	return got
}

func secretNames(vs []store.SecretVersion) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Name+"/"+v.Version[30:])
	}
	return out
}

func testSecrets(t *testing.T, open Opener) {
	t.Run("VaultKey", func(t *testing.T) {
		s := fresh(t, open)
		vaultTree(t, s)
		_, err := s.GetVaultKey(bg, vault)
		is(t, err, store.ErrNotFound)
		k := store.VaultKey{VaultID: vault, Generation: "g1", Sealed: []byte("sealed\x00key"), CreatedAt: at(1)}
		ok(t, s.CreateVaultKey(bg, k))
		is(t, s.CreateVaultKey(bg, store.VaultKey{VaultID: upper(vault), Generation: "g2", Sealed: []byte("x"), CreatedAt: at(2)}), store.ErrConflict)
		got, err := s.GetVaultKey(bg, upper(vault))
		ok(t, err)
		equal(t, got, k)
		// No key for a vault that does not exist.
		fails(t, s.CreateVaultKey(bg, store.VaultKey{VaultID: rg + "/providers/Microsoft.KeyVault/vaults/nope", Sealed: []byte("x")}))
	})
	t.Run("Versions", func(t *testing.T) {
		s := fresh(t, open)
		vaultTree(t, s)
		v1 := put(t, s, version(vault, "Db-Password", 1))
		v2 := put(t, s, version(vault, "DB-PASSWORD", 2)) // same secret: first spelling kept
		equal(t, v2.Name, "Db-Password")
		put(t, s, version(vaultLike, "db-password", 9)) // another vault
		got, err := s.GetSecretVersion(bg, upper(vault), "db-password", "")
		ok(t, err)
		equal(t, got.Version, v2.Version)
		got, err = s.GetSecretVersion(bg, vault, "db-password", "")
		ok(t, err)
		equal(t, got, v2)
		got, err = s.GetSecretVersion(bg, vault, "db-password", upper(v1.Version))
		ok(t, err)
		equal(t, got, v1)
		_, err = s.GetSecretVersion(bg, vault, "db-password", fmt.Sprintf("%032x", 9))
		is(t, err, store.ErrNotFound)
		_, err = s.GetSecretVersion(bg, vault, "other", "")
		is(t, err, store.ErrNotFound)
		_, err = s.PutSecretVersion(bg, v1) // the version exists
		is(t, err, store.ErrConflict)

		vs, err := s.ListSecretVersions(bg, vault, "DB-password", store.SecretPage{Limit: 10})
		ok(t, err)
		equal(t, secretNames(vs), []string{"Db-Password/01", "Db-Password/02"}) // oldest first
		vs, err = s.ListSecretVersions(bg, vault, "db-password", store.SecretPage{After: v1.Version, Limit: 10})
		ok(t, err)
		equal(t, secretNames(vs), []string{"Db-Password/02"})
		_, err = s.ListSecretVersions(bg, vault, "none", store.SecretPage{Limit: 10})
		is(t, err, store.ErrNotFound)

		ok(t, s.UpdateSecretVersion(bg, vault, "db-password", v1.Version, func(v store.SecretVersion) (store.SecretVersion, error) {
			v.Enabled, v.Tags, v.ContentType, v.Expires, v.UpdatedAt = false, nil, "", at(20), at(21)
			return v, nil
		}))
		got, err = s.GetSecretVersion(bg, vault, "db-password", v1.Version)
		ok(t, err)
		want := v1
		want.Enabled, want.Tags, want.ContentType, want.Expires, want.UpdatedAt = false, nil, "", at(20), at(21)
		equal(t, got, want)
		fails(t, s.UpdateSecretVersion(bg, vault, "db-password", "", func(v store.SecretVersion) (store.SecretVersion, error) {
			v.Version = v1.Version
			return v, nil
		}))
	})
	t.Run("ListPaging", func(t *testing.T) {
		s := fresh(t, open)
		vaultTree(t, s)
		for i, n := range []string{"c", "A", "b", "d"} {
			put(t, s, version(vault, n, i+1))
		}
		put(t, s, version(vault, "b", 7)) // b's latest is now 07
		page, err := s.ListSecrets(bg, vault, store.SecretPage{Limit: 2})
		ok(t, err)
		equal(t, secretNames(page), []string{"A/02", "b/07"})
		page, err = s.ListSecrets(bg, vault, store.SecretPage{After: "B", Limit: 2})
		ok(t, err)
		equal(t, secretNames(page), []string{"c/01", "d/04"})
		page, err = s.ListSecrets(bg, vaultLike, store.SecretPage{Limit: 2})
		ok(t, err)
		equal(t, len(page), 0)
	})
	t.Run("SoftDelete", testSecretSoftDelete(open))
	t.Run("CascadeOnVaultDelete", func(t *testing.T) {
		s := fresh(t, open)
		vaultTree(t, s)
		for _, v := range []string{vault, vaultLike} {
			ok(t, s.CreateVaultKey(bg, store.VaultKey{VaultID: v, Generation: "g", Sealed: []byte("k"), CreatedAt: at(1)}))
			put(t, s, version(v, "live", 1))
			put(t, s, version(v, "gone", 2))
			_, err := s.DeleteSecret(bg, v, "gone", at(3), at(4))
			ok(t, err)
		}
		ok(t, s.DeleteResource(bg, vault))
		ok(t, s.CreateResource(bg, resource(vault, "Microsoft.KeyVault/vaults")))
		_, err := s.GetVaultKey(bg, vault)
		is(t, err, store.ErrNotFound)
		_, err = s.GetSecretVersion(bg, vault, "live", "")
		is(t, err, store.ErrNotFound)
		_, err = s.GetDeletedSecret(bg, vault, "gone")
		is(t, err, store.ErrNotFound)
		// The look-alike vault keeps everything; deleting its group takes it.
		_, err = s.GetSecretVersion(bg, vaultLike, "live", "")
		ok(t, err)
		ok(t, s.DeleteResource(bg, rg))
		ok(t, s.CreateResource(bg, resource(rg, "Microsoft.Resources/resourceGroups")))
		ok(t, s.CreateResource(bg, resource(vaultLike, "Microsoft.KeyVault/vaults")))
		_, err = s.GetVaultKey(bg, vaultLike)
		is(t, err, store.ErrNotFound)
		_, err = s.GetSecretVersion(bg, vaultLike, "live", "")
		is(t, err, store.ErrNotFound)
		// A write for a vault that no longer exists is refused.
		_, err = s.PutSecretVersion(bg, version(rg+"/providers/Microsoft.KeyVault/vaults/nope", "x", 1))
		fails(t, err)
	})
	t.Run("ConcurrentSets", func(t *testing.T) {
		const n = 16
		s := fresh(t, open)
		vaultTree(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := s.PutSecretVersion(bg, version(vault, "Shared", i+1))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			ok(t, err)
		}
		vs, err := s.ListSecretVersions(bg, vault, "shared", store.SecretPage{Limit: 100})
		ok(t, err)
		equal(t, len(vs), n)
		latest, err := s.GetSecretVersion(bg, vault, "shared", "")
		ok(t, err)
		// The latest is the last version in commit order.
		equal(t, latest.Version, vs[n-1].Version)
	})
}

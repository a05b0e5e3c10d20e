package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func testSecretSoftDelete(open Opener) func(*testing.T) {
	return func(t *testing.T) {
		s := fresh(t, open)
		vaultTree(t, s)
		put(t, s, version(vault, "Api-Key", 1))
		v2 := put(t, s, version(vault, "api-key", 2))
		put(t, s, version(vault, "other", 3))

		d, err := s.DeleteSecret(bg, vault, "API-KEY", at(10), at(20))
		ok(t, err)
		equal(t, d, store.DeletedSecret{Latest: v2, DeletedAt: at(10), ScheduledPurgeAt: at(20)})
		_, err = s.DeleteSecret(bg, vault, "api-key", at(11), at(21))
		is(t, err, store.ErrNotFound) // already deleted
		_, err = s.GetSecretVersion(bg, vault, "api-key", "")
		is(t, err, store.ErrNotFound)
		_, err = s.ListSecretVersions(bg, vault, "api-key", store.SecretPage{Limit: 5})
		is(t, err, store.ErrNotFound)
		is(t, s.UpdateSecretVersion(bg, vault, "api-key", "", func(v store.SecretVersion) (store.SecretVersion, error) { return v, nil }), store.ErrNotFound)
		live, err := s.ListSecrets(bg, vault, store.SecretPage{Limit: 5})
		ok(t, err)
		equal(t, secretNames(live), []string{"other/03"})
		gone, err := s.ListDeletedSecrets(bg, vault, store.SecretPage{Limit: 5})
		ok(t, err)
		equal(t, gone, []store.DeletedSecret{d})
		// A deleted name cannot be set until recovered or purged.
		_, err = s.PutSecretVersion(bg, version(vault, "api-key", 4))
		is(t, err, store.ErrConflict)
		_, err = s.GetDeletedSecret(bg, vault, "other")
		is(t, err, store.ErrNotFound)

		ok(t, s.RecoverSecret(bg, vault, "api-key"))
		is(t, s.RecoverSecret(bg, vault, "api-key"), store.ErrNotFound)
		vs, err := s.ListSecretVersions(bg, vault, "api-key", store.SecretPage{Limit: 5})
		ok(t, err)
		equal(t, secretNames(vs), []string{"Api-Key/01", "Api-Key/02"}) // every version came back
		_, err = s.GetDeletedSecret(bg, vault, "api-key")
		is(t, err, store.ErrNotFound)

		is(t, s.PurgeSecret(bg, vault, "api-key"), store.ErrNotFound) // only deleted secrets purge
		_, err = s.DeleteSecret(bg, vault, "api-key", at(12), at(22))
		ok(t, err)
		ok(t, s.PurgeSecret(bg, vault, "api-key"))
		is(t, s.PurgeSecret(bg, vault, "api-key"), store.ErrNotFound)
		_, err = s.GetDeletedSecret(bg, vault, "api-key")
		is(t, err, store.ErrNotFound)
		// After a purge the name is free, with a new spelling and history.
		v := put(t, s, version(vault, "API-KEY", 5))
		equal(t, v.Name, "API-KEY")
		vs, err = s.ListSecretVersions(bg, vault, "api-key", store.SecretPage{Limit: 5})
		ok(t, err)
		equal(t, secretNames(vs), []string{"API-KEY/05"})
	}
}

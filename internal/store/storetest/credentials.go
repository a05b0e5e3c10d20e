package storetest

import (
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

func secret(principalID, id string) store.Credential {
	return store.Credential{ID: id, PrincipalID: principalID, Kind: store.CredentialSecret,
		DisplayName: "s " + id, Hash: "h-" + id, Hint: "abc", StartsAt: at(1), CreatedAt: at(1)}
}

func testCredentials(t *testing.T, open Opener) {
	s := fresh(t, open)
	ok(t, s.CreatePrincipal(bg, store.Principal{ID: "sp", Kind: store.KindServicePrincipal, ClientID: "app", CreatedAt: at(1)}))
	ok(t, s.CreatePrincipal(bg, store.Principal{ID: "sp2", Kind: store.KindServicePrincipal, ClientID: "app2", CreatedAt: at(1)}))
	c1 := secret("sp", "k1")
	c2 := store.Credential{ID: "k2", PrincipalID: "sp", Kind: store.CredentialCertificate,
		Data: []byte{0x30, 0x82, 0x00, 0xff}, StartsAt: at(2), ExpiresAt: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), CreatedAt: at(2)}
	ok(t, s.CreateCredential(bg, c2))
	ok(t, s.CreateCredential(bg, c1))
	ok(t, s.CreateCredential(bg, secret("sp2", "k1"))) // IDs are per principal
	is(t, s.CreateCredential(bg, secret("SP", "K1")), store.ErrConflict)
	is(t, s.CreateCredential(bg, secret("nope", "k9")), store.ErrNotFound)

	got, err := s.ListCredentials(bg, "SP")
	ok(t, err)
	equal(t, got, []store.Credential{c1, c2}) // oldest first, bytes and far expiry intact
	_, err = s.ListCredentials(bg, "nope")
	is(t, err, store.ErrNotFound)

	ok(t, s.DeleteCredential(bg, "sp", "K1"))
	is(t, s.DeleteCredential(bg, "sp", "k1"), store.ErrNotFound)
	is(t, s.DeleteCredential(bg, "sp2", "k2"), store.ErrNotFound) // another principal's
	got, err = s.ListCredentials(bg, "sp")
	ok(t, err)
	equal(t, got, []store.Credential{c2})
	other, err := s.ListCredentials(bg, "sp2")
	ok(t, err)
	equal(t, len(other), 1)
}

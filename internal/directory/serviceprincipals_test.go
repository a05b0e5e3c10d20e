package directory

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestClientSecrets(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	sp, err := e.svc.CreateServicePrincipal(ctx, "billing-app")
	if err != nil {
		t.Fatal(err)
	}
	if !guidRE.MatchString(sp.ID) || !guidRE.MatchString(sp.ClientID) || sp.ID == sp.ClientID {
		t.Fatalf("ids %q / %q: want two distinct lower-case GUIDs", sp.ID, sp.ClientID)
	}
	expires := e.clock.Now().Add(24 * time.Hour)
	secret, cred, err := e.svc.AddSecret(ctx, sp.ID, "ci", expires)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Hash != "" || cred.Hint != secret[:3] || len(secret) < 43 {
		t.Fatalf("credential %+v for secret of length %d", cred, len(secret))
	}
	creds, _ := e.st.ListCredentials(ctx, sp.ID)
	if len(creds) != 1 || creds[0].Hash == "" || strings.Contains(creds[0].Hash, secret[3:]) {
		t.Fatalf("stored credentials %+v: want one, hashed", creds)
	}
	other, _ := e.svc.CreateServicePrincipal(ctx, "other-app")
	otherSecret, _, _ := e.svc.AddSecret(ctx, other.ID, "", time.Time{})

	auth := func(clientID, s string) error {
		p, err := e.svc.AuthenticateClientSecret(ctx, clientID, s)
		if err == nil && p.ID != sp.ID {
			t.Fatalf("authenticated as %s, want %s", p.ID, sp.ID)
		}
		return err
	}
	if err := auth(sp.ClientID, secret); err != nil {
		t.Fatalf("right secret: %v", err)
	}
	for name, tc := range map[string]struct{ client, secret string }{
		"wrong secret":             {sp.ClientID, secret[:len(secret)-1] + "x"},
		"another app's secret":     {sp.ClientID, otherSecret},
		"unknown client":           {newID(), secret},
		"object ID, not client ID": {sp.ID, secret},
		"empty secret":             {sp.ClientID, ""},
		"huge secret":              {sp.ClientID, strings.Repeat("a", 10000)},
	} {
		if err := auth(tc.client, tc.secret); !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("%s: err = %v, want ErrInvalidCredentials", name, err)
		}
	}

	// Not yet valid, then valid, then expired.
	e.clock.Advance(-time.Minute)
	if err := auth(sp.ClientID, secret); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("before StartsAt: %v", err)
	}
	e.clock.Advance(24*time.Hour + time.Minute - time.Second)
	if err := auth(sp.ClientID, secret); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
	e.clock.Advance(time.Second)
	if err := auth(sp.ClientID, secret); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("at expiry: %v", err)
	}

	// A disabled app cannot sign in with a valid secret.
	if _, err := e.svc.AuthenticateClientSecret(ctx, other.ClientID, otherSecret); err != nil {
		t.Fatal(err)
	}
	e.st.UpdatePrincipal(ctx, other.ID, func(p store.Principal) (store.Principal, error) { p.Disabled = true; return p, nil })
	if _, err := e.svc.AuthenticateClientSecret(ctx, other.ClientID, otherSecret); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("disabled app: %v", err)
	}

	// Removal.
	if err := e.svc.RemoveSecret(ctx, sp.ID, cred.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveSecret(ctx, sp.ID, cred.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing twice: %v, want not found", err)
	}
}

func TestAddSecretRejects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	sp, _ := e.svc.CreateServicePrincipal(ctx, "app")
	user := e.user(t, "u@x.io")
	mi := e.managedIdentity(t, store.UserAssigned, "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1")
	for _, tc := range []struct {
		name, id string
		expires  time.Time
		status   int
	}{
		{"user", user.ID, time.Time{}, http.StatusNotFound},
		{"unknown", newID(), time.Time{}, http.StatusNotFound},
		{"managed identity", mi.ID, time.Time{}, http.StatusBadRequest},
		{"expires in the past", sp.ID, e.clock.Now().Add(-time.Hour), http.StatusBadRequest},
	} {
		_, _, err := e.svc.AddSecret(ctx, tc.id, "x", tc.expires)
		var de *Error
		if !errors.As(err, &de) || de.Status != tc.status {
			t.Errorf("%s: err = %v, want status %d", tc.name, err, tc.status)
		}
	}
	for _, id := range []string{sp.ID, mi.ID, user.ID} {
		if creds, _ := e.st.ListCredentials(ctx, id); len(creds) != 0 {
			t.Errorf("%s has %d credentials after rejected adds", id, len(creds))
		}
	}
	// A managed identity never authenticates with a secret, even one forged
	// into the store.
	s := newSecretText()
	e.st.CreateCredential(ctx, store.Credential{ID: newID(), PrincipalID: mi.ID, Kind: store.CredentialSecret,
		Hash: hashSecret(s), StartsAt: e.clock.Now().Add(-time.Hour), CreatedAt: e.clock.Now()})
	if _, err := e.svc.AuthenticateClientSecret(ctx, mi.ClientID, s); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("managed identity with a secret: %v", err)
	}
}

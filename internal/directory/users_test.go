package directory

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

func TestUserSignIn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, err := e.svc.CreateUser(ctx, "Alice@Contoso.com", "Alice", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if alice.PasswordHash != "" {
		t.Error("CreateUser returned the password hash")
	}
	stored, _ := e.st.GetPrincipal(ctx, alice.ID)
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$") || strings.Contains(stored.PasswordHash, "correct horse") {
		t.Fatalf("stored hash %q is not an argon2id PHC string", stored.PasswordHash)
	}
	bob := e.user(t, "bob@contoso.com")
	if err := e.st.UpdatePrincipal(ctx, bob.ID, func(p store.Principal) (store.Principal, error) {
		p.Disabled = true
		return p, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, pw string
		wantID         string
	}{
		{"right password", "Alice@Contoso.com", "correct horse", alice.ID},
		{"user name case-insensitive", "alice@contoso.COM", "correct horse", alice.ID},
		{"wrong password", "Alice@Contoso.com", "correct horsE", ""},
		{"empty password", "Alice@Contoso.com", "", ""},
		{"unknown user", "carol@contoso.com", "correct horse", ""},
		{"disabled user, right password", "bob@contoso.com", "password-bob@contoso.com", ""},
		{"overlong password", "Alice@Contoso.com", strings.Repeat("x", 5000), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.svc.AuthenticateUser(ctx, tc.user, tc.pw)
			if tc.wantID == "" {
				if !errors.Is(err, ErrInvalidCredentials) {
					t.Fatalf("err = %v, want ErrInvalidCredentials", err)
				}
				return
			}
			if err != nil || p.ID != tc.wantID || p.PasswordHash != "" {
				t.Fatalf("got %+v, %v; want %s without hash", p, err, tc.wantID)
			}
		})
	}
}

func TestCreateUserRejects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.user(t, "alice@contoso.com")
	for _, tc := range []struct {
		name, user, display, pw string
		status                  int
	}{
		{"duplicate, other case", "ALICE@contoso.com", "A", "password1", http.StatusConflict},
		{"not a UPN", "alice", "A", "password1", http.StatusBadRequest},
		{"short password", "x@contoso.com", "X", "short", http.StatusBadRequest},
		{"long password", "x@contoso.com", "X", strings.Repeat("p", 257), http.StatusBadRequest},
		{"no display name", "x@contoso.com", " ", "password1", http.StatusBadRequest},
		{"control char in display name", "x@contoso.com", "a\x00b", "password1", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreateUser(ctx, tc.user, tc.display, tc.pw)
			var de *Error
			if !errors.As(err, &de) || de.Status != tc.status {
				t.Fatalf("err = %v, want status %d", err, tc.status)
			}
		})
	}
	if users, _ := e.st.ListPrincipals(ctx, store.PrincipalFilter{Kind: store.KindUser}); len(users) != 1 {
		t.Fatalf("%d users after rejected creations, want 1", len(users))
	}
}

func TestSetPasswordAndRehash(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	u := e.user(t, "u@x.io")
	if err := e.svc.SetPassword(ctx, u.ID, "new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateUser(ctx, "u@x.io", "password-u@x.io"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("old password still works: %v", err)
	}
	if err := e.svc.SetPassword(ctx, u.ID, "short"); err == nil {
		t.Fatal("SetPassword accepted a short password")
	}
	if err := e.svc.SetPassword(ctx, e.group(t, "g").ID, "a group password"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetPassword on a group: %v, want not found", err)
	}
	// Raising the parameters upgrades the stored hash at the next sign-in.
	e.svc.pw = newPasswordHasher(argonParams{memory: 128, time: 2, threads: 1, keyLen: 32})
	if _, err := e.svc.AuthenticateUser(ctx, "u@x.io", "new password"); err != nil {
		t.Fatal(err)
	}
	stored, _ := e.st.GetPrincipal(ctx, u.ID)
	if !strings.Contains(stored.PasswordHash, "$m=128,t=2,p=1$") {
		t.Fatalf("hash not upgraded: %q", stored.PasswordHash)
	}
	if _, err := e.svc.AuthenticateUser(ctx, "u@x.io", "new password"); err != nil {
		t.Fatal("upgraded hash does not verify")
	}
}

// TestUnknownUserCostsAVerification checks that rejecting an unknown user
// name takes as long as rejecting a wrong password, with the real argon2
// parameters: otherwise response times would reveal which users exist.
func TestUnknownUserCostsAVerification(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	ctx := context.Background()
	e := newEnv(t)
	e.svc.pw = newPasswordHasher(defaultParams)
	e.user(t, "known@x.io")
	fastest := func(user string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			if _, err := e.svc.AuthenticateUser(ctx, user, "wrong password"); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := fastest("known@x.io"), fastest("unknown@x.io")
	t.Logf("wrong password: %v, unknown user: %v", known, unknown)
	if unknown < known/2 || unknown > known*2 {
		t.Fatalf("unknown user took %v, wrong password %v: timing tells them apart", unknown, known)
	}
	if known < 5*time.Millisecond {
		t.Fatalf("a verification took only %v: parameters too weak", known)
	}
}

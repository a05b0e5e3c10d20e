package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Opener returns a new, empty store; the suite closes it.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite against stores made by open. Each subtest
// gets a fresh store.
func Run(t *testing.T, open Opener) {
	groups := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Meta", testMeta},
		{"Principals", testPrincipals},
		{"Memberships", testMemberships},
		{"Credentials", testCredentials},
		{"Resources", testResources},
		{"Attachments", testAttachments},
		{"RoleDefinitions", testRoleDefinitions},
		{"Assignments", testAssignments},
		{"Keys", testKeys},
		{"Hosts", testHosts},
		{"Secrets", testSecrets},
		{"ChangeFeed", testChangeFeed},
		{"Update", testUpdate},
		{"Concurrency", testConcurrency},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.fn(t, open) })
	}
}

// fresh opens a store closed at the end of t.
func fresh(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// at is a fixed UTC time with nanoseconds, so round trips are exact.
func at(day int) time.Time {
	return time.Date(2025, 3, day, 10, 30, 15, 123456789, time.UTC)
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func is(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func fails(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
}

func equal[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got  %+v\n want %+v", got, want)
	}
}

var bg = context.Background()

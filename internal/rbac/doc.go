// Package rbac is Azure role-based access control: the built-in role
// catalog (real GUIDs, actions and dataActions), custom roles, and an
// in-memory index of role assignments, kept current from the store's change
// feed, that answers "may principal P do action A at scope S?" in
// microseconds without allocating, and explains its answers.
package rbac

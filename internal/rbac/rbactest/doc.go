// Package rbactest gives other packages' tests the real parts that RBAC
// decisions rest on: a fresh embedded SQLite store and an RBAC index over
// it. It is imported only by _test.go files; nothing in the binary uses it.
// (package rbac's own tests cannot use it: it imports rbac.)
package rbactest

// Package dataplanetest builds, for the blob and vault tests, what a
// data-plane Handler stands on: one ARM resource with its subscription and
// resource group on the real store, the RBAC index over it and a Guard.
// It is imported only by _test.go files.
package dataplanetest

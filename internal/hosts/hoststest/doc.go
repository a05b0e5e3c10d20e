// Package hoststest runs, for other packages' tests, the server's real
// hosts handler (enrolment, renewal, fabric calls) on the embedded SQLite
// store and a real CA, behind TLS configured as the server's HTTPS port
// is. It is imported only by _test.go files; nothing in the binary uses it.
package hoststest

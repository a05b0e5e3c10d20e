// Package loopback adds addresses to the machine's loopback interface, so
// that the host agent can answer at the IMDS address 169.254.169.254 that
// the Azure SDKs hard-code, on this machine only.
package loopback

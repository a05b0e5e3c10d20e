// Package msi is the server side of managed identities: it answers a host's
// fabric calls (fabric.Fabric) by checking that the asking resource is placed
// on that host and owns the identity it names, then minting (and caching,
// per identity and audience) that identity's Entra-shaped access token.
package msi

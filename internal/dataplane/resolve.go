package dataplane

import (
	"net/http"
	"strings"
)

// Azure's audiences for the data planes.
const (
	StorageAudience = "https://storage.azure.com"
	VaultAudience   = "https://vault.azure.net"
)

// Resolve finds the data service r is addressed to and the Address the
// service is handed: host-style ({account}.blob.{Domain},
// {vault}.vault.{Domain}) when a domain is configured, else path-style:
// "/vaults/{vault}/..." and "/{account}/..." for a first segment isAccount
// accepts. It returns NoService for any other request.
func (e Endpoints) Resolve(r *http.Request, isAccount func(first string) bool) (Service, Address) {
	origin := "https://" + r.Host
	switch svc, name := e.HostStyle(r.Host); svc {
	case Blob:
		return Blob, e.blobAddress(name, r.URL.Path, origin)
	case Vault:
		return Vault, e.vaultAddress(name, r.URL.Path, origin, "", e.VaultResource(true, r.Host))
	}
	first, rest := splitFirst(r.URL.Path)
	if first == "vaults" {
		name, below := splitFirst(rest)
		if name == "" {
			return NoService, Address{}
		}
		return Vault, e.vaultAddress(name, below, origin+"/vaults/"+name, origin, e.VaultResource(false, r.Host))
	}
	if isAccount(first) {
		return Blob, e.blobAddress(first, rest, origin+"/"+first)
	}
	return NoService, Address{}
}

// blobAddress accepts Azure's storage audience and the account's URLs as
// Lanyard composes them from its configuration. Never one built from the
// Host header: the client chooses that, and the token service mints a
// token for any resource URL a principal asks for, so a token issued for
// "https://other.example/acct" (and handed to that other service) would
// otherwise open this account when replayed with "Host: other.example".
func (e Endpoints) blobAddress(name, path, base string) Address {
	auds := []string{StorageAudience, e.base() + "/" + name}
	if e.Domain != "" {
		host := "https://" + strings.ToLower(name) + ".blob." + e.Domain
		auds = append(auds, host, host+e.port())
	}
	return Address{Name: name, Path: path, BaseURL: base, Resource: StorageAudience, Audiences: auds}
}

func (e Endpoints) vaultAddress(name, path, base, idBase, resource string) Address {
	return Address{
		Name: name, Path: path, BaseURL: base, IDBaseURL: idBase, Resource: resource,
		Audiences: []string{VaultAudience, resource},
	}
}

// splitFirst splits "/a/b/c" into "a" and "/b/c" ("/" when nothing
// follows), and "" into "", "/".
func splitFirst(p string) (first, rest string) {
	p = strings.TrimPrefix(p, "/")
	first, rest, _ = strings.Cut(p, "/")
	return first, "/" + rest
}

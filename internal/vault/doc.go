// Package vault is Lanyard's Key Vault secrets service: the data plane at a
// vault's URL, wire-compatible with Azure Key Vault (api-version 7.x and
// the dated versions) as the unmodified azsecrets SDK speaks it. Secret
// values are encrypted at rest under a per-vault data key that only the
// master key (package seal) can unwrap.
package vault

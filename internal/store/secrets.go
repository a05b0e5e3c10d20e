package store

import (
	"context"
	"time"
)

// VaultKey is a vault's data key: 32 random bytes that encrypt the vault's
// secret values, stored only sealed by the master key (package seal). The
// row lives and dies with the vault resource, so a vault re-created under
// the same name gets a new key and can never open the old secrets.
type VaultKey struct {
	VaultID string // the vault resource's ID
	// Generation is random, fixed at creation; the seal's additional data
	// binds the key to VaultID and Generation.
	Generation string
	Sealed     []byte
	CreatedAt  time.Time
}

// SecretVersion is one version of a Key Vault secret. Value is ciphertext
// (package vault encrypts it); the store never sees a plaintext value.
type SecretVersion struct {
	// VaultID is as the caller of the read passed it.
	VaultID string
	// Name is the secret's name as first written; lookups ignore case.
	Name string
	// Version is 32 lower-case hex digits, unique within the secret.
	Version     string
	Value       []byte
	ContentType string
	Tags        map[string]string
	Enabled     bool
	NotBefore   time.Time // zero: none
	Expires     time.Time // zero: none
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// DeletedSecret is a soft-deleted secret: all its versions, kept until
// purged or recovered, shown through its latest version.
type DeletedSecret struct {
	Latest           SecretVersion
	DeletedAt        time.Time
	ScheduledPurgeAt time.Time
}

// SecretPage is one page of a listing in key order: entries strictly after
// After ("" from the start), at most Limit of them (Limit > 0).
type SecretPage struct {
	After string
	Limit int
}

// Secrets is Key Vault's secret storage. Every method takes the vault's
// resource ID; names and versions compare case-insensitively.
type Secrets interface {
	// GetVaultKey returns the vault's data key (ErrNotFound if none yet).
	GetVaultKey(ctx context.Context, vaultID string) (VaultKey, error)
	// CreateVaultKey stores k; ErrConflict if the vault already has a key.
	// The vault resource must exist.
	CreateVaultKey(ctx context.Context, k VaultKey) error

	// PutSecretVersion adds v as the secret's latest version, creating the
	// secret if the name is new. It returns v with Name as stored (the
	// spelling of the first write). ErrConflict if the name is in the
	// deleted state or the version exists.
	PutSecretVersion(ctx context.Context, v SecretVersion) (SecretVersion, error)
	// GetSecretVersion returns a live secret's version ("" for the latest).
	GetSecretVersion(ctx context.Context, vaultID, name, version string) (SecretVersion, error)
	// UpdateSecretVersion applies fn to a live secret's version ("" for the
	// latest) atomically; only ContentType, Tags, Enabled, NotBefore,
	// Expires and UpdatedAt may change.
	UpdateSecretVersion(ctx context.Context, vaultID, name, version string, fn func(SecretVersion) (SecretVersion, error)) error
	// ListSecrets returns the latest version of each live secret, ordered
	// by lower-cased name; SecretPage.After is a name.
	ListSecrets(ctx context.Context, vaultID string, p SecretPage) ([]SecretVersion, error)
	// ListSecretVersions returns a live secret's versions, oldest first;
	// SecretPage.After is a version. ErrNotFound if there is no such secret.
	ListSecretVersions(ctx context.Context, vaultID, name string, p SecretPage) ([]SecretVersion, error)

	// DeleteSecret moves a live secret, with all its versions, to the
	// deleted state.
	DeleteSecret(ctx context.Context, vaultID, name string, deletedAt, purgeAt time.Time) (DeletedSecret, error)
	GetDeletedSecret(ctx context.Context, vaultID, name string) (DeletedSecret, error)
	// ListDeletedSecrets is ListSecrets for deleted secrets.
	ListDeletedSecrets(ctx context.Context, vaultID string, p SecretPage) ([]DeletedSecret, error)
	// RecoverSecret makes a deleted secret live again, all versions intact.
	RecoverSecret(ctx context.Context, vaultID, name string) error
	// PurgeSecret erases a deleted secret and its versions for good.
	PurgeSecret(ctx context.Context, vaultID, name string) error
}

package store

import (
	"encoding/json"
	"time"
)

// PrincipalKind says what a directory object is.
type PrincipalKind string

const (
	KindUser             PrincipalKind = "User"
	KindGroup            PrincipalKind = "Group"
	KindServicePrincipal PrincipalKind = "ServicePrincipal"
	KindManagedIdentity  PrincipalKind = "ManagedIdentity"
)

// Managed identity types, as in ARM's identity block.
const (
	SystemAssigned = "SystemAssigned"
	UserAssigned   = "UserAssigned"
)

// Principal is a directory object. IDs and client IDs are lower-case GUIDs.
type Principal struct {
	ID          string // object ID (principalId)
	Kind        PrincipalKind
	DisplayName string
	// UserName is a user's sign-in name (userPrincipalName); unique among
	// users, compared case-insensitively. Empty for other kinds.
	UserName string
	// PasswordHash is a user's encoded password hash (package directory).
	PasswordHash string
	// ClientID (appId) for service principals and managed identities; unique.
	ClientID string
	// IdentityType is SystemAssigned or UserAssigned for managed identities.
	IdentityType string
	// ResourceID, for a managed identity: the identity resource's ID when
	// user-assigned, the owning resource's ID when system-assigned. It is the
	// token's xms_mirid. Unique, compared case-insensitively.
	ResourceID string
	Disabled   bool
	CreatedAt  time.Time
}

// PrincipalFilter selects principals; zero fields match everything.
type PrincipalFilter struct {
	Kind PrincipalKind
	// DisplayName matches exactly, case-insensitively.
	DisplayName string
}

// Membership is one edge of the group graph: Member is a direct member of Group.
type Membership struct {
	GroupID  string
	MemberID string
}

// Credential kinds.
const (
	CredentialSecret      = "secret"
	CredentialCertificate = "certificate"
	CredentialFederated   = "federated"
)

// Credential is something a service principal (or, for federated
// credentials, a user-assigned identity) authenticates with.
type Credential struct {
	ID          string // keyId, a GUID; unique per principal
	PrincipalID string
	Kind        string
	DisplayName string
	// Hash is a client secret's hash; Hint its first characters (as Entra's
	// "hint"), so a listing can tell secrets apart without revealing them.
	Hash string
	Hint string
	// Data holds a certificate's DER or a federated credential's JSON
	// (issuer, subject, audiences).
	Data      []byte
	StartsAt  time.Time
	ExpiresAt time.Time // zero: never
	CreatedAt time.Time
}

// Resource is an ARM resource, resource group or subscription. Its ID is kept
// in the case it was created with; lookups are case-insensitive.
type Resource struct {
	ID             string
	Type           string // e.g. "Microsoft.Web/sites", "Microsoft.Resources/resourceGroups"
	SubscriptionID string // "" only for tenant-level resources
	ResourceGroup  string // "" for subscriptions and subscription-level resources
	Name           string
	Location       string
	Tags           map[string]string
	// Properties is the type-specific "properties" object, as JSON.
	Properties json.RawMessage
	// SystemAssigned reports whether the resource has a system-assigned
	// identity (the identity itself is the principal whose ResourceID is ID).
	SystemAssigned bool
	// Host is the ID of the virtualMachines resource an app is placed on.
	Host      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ResourceFilter selects resources; zero fields match everything. Matching
// is case-insensitive.
type ResourceFilter struct {
	SubscriptionID string
	ResourceGroup  string
	Type           string
	// Under matches resources whose ID is strictly below this ID (child
	// resources such as {site}/config/appsettings, a group's resources).
	Under string
}

// Permission is one block of a role definition.
type Permission struct {
	Actions        []string `json:"actions"`
	NotActions     []string `json:"notActions"`
	DataActions    []string `json:"dataActions"`
	NotDataActions []string `json:"notDataActions"`
}

// RoleDefinition is a role: built-in (overlaid by package rbac) or custom.
type RoleDefinition struct {
	ID               string // GUID, lower case
	RoleName         string // unique, case-insensitive
	Description      string
	RoleType         string // "BuiltInRole" or "CustomRole"
	Permissions      []Permission
	AssignableScopes []string
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// RoleAssignment grants a role to a principal at a scope.
type RoleAssignment struct {
	Name             string // GUID, unique across the tenant
	Scope            string // canonical scope (scope.ID.String())
	RoleDefinitionID string // the role's GUID
	PrincipalID      string
	PrincipalType    string // "User", "Group" or "ServicePrincipal" (ARM's values)
	Description      string
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// AssignmentFilter selects role assignments; zero fields match everything.
type AssignmentFilter struct {
	PrincipalID      string
	RoleDefinitionID string
	// Scope matches assignments exactly at this scope (case-insensitive).
	Scope string
	// Under matches assignments at this scope or any scope below it.
	Under string
}

// SigningKey is a token-signing key. Private is sealed (package seal).
type SigningKey struct {
	ID        string // kid
	Algorithm string // "RS256", "ES256"
	Private   []byte // sealed private key (PKCS#8 DER before sealing)
	Public    []byte // PKIX DER public key
	CreatedAt time.Time
	// ActiveAt: the key signs from this time (it is published before).
	ActiveAt time.Time
	// RetireAt: the key stops signing (zero: not scheduled).
	RetireAt time.Time
	// ExpireAt: the key leaves the JWKS once tokens it signed have expired.
	ExpireAt time.Time
}

// Change is one entry of the change feed: something that the in-memory RBAC
// index (and, with several replicas, every replica) must re-read.
type Change struct {
	Revision int64
	Kind     string // one of the Change* constants
	Key      string // assignment name, role definition ID, group or principal ID
}

// Change kinds.
const (
	ChangeAssignment = "assignment"
	ChangeRole       = "role"
	ChangeMembership = "membership" // Key: group ID
	ChangePrincipal  = "principal"  // Key: principal ID (deleted or disabled)
)

// Host is the agent enrolment of a Microsoft.Compute/virtualMachines
// resource: its pending join token and the client certificates its agent
// authenticates with. The row lives and dies with the VM resource.
type Host struct {
	ID string // the VM's resource ID, as stored on the resource
	// JoinTokenHash is the hex SHA-256 of the pending one-time join token
	// ("" when none is pending); it is unique among hosts.
	JoinTokenHash string
	JoinExpiresAt time.Time
	// CertSerial is the hex serial number of the agent's current client
	// certificate ("" before the first join and after a revocation).
	CertSerial    string
	CertExpiresAt time.Time
	// PrevCertSerial is the certificate replaced by the latest renewal. It
	// stays valid until PrevCertExpiresAt so that an agent whose renewal
	// answer was lost can retry with the old certificate.
	PrevCertSerial    string
	PrevCertExpiresAt time.Time
	JoinedAt          time.Time // last successful join; zero if never
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

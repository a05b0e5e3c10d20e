package store

import "context"

// Meta holds small named values: the tenant ID, the default subscription,
// schema facts.
type Meta interface {
	GetMeta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
}

// Principals is the directory's object table.
type Principals interface {
	CreatePrincipal(ctx context.Context, p Principal) error
	GetPrincipal(ctx context.Context, id string) (Principal, error)
	GetPrincipalByUserName(ctx context.Context, userName string) (Principal, error)
	GetPrincipalByClientID(ctx context.Context, clientID string) (Principal, error)
	// GetPrincipalByResourceID finds a managed identity by its ResourceID.
	GetPrincipalByResourceID(ctx context.Context, resourceID string) (Principal, error)
	ListPrincipals(ctx context.Context, f PrincipalFilter) ([]Principal, error)
	// UpdatePrincipal applies fn to the current record atomically. ID and
	// Kind may not change.
	UpdatePrincipal(ctx context.Context, id string, fn func(Principal) (Principal, error)) error
	// DeletePrincipal removes the principal with its memberships (both as
	// group and as member) and credentials. Role assignments are not touched:
	// callers delete them in the same transaction (Assignments).
	DeletePrincipal(ctx context.Context, id string) error
}

// Memberships is the group graph.
type Memberships interface {
	// AddMember is idempotent. Both principals must exist and group must be
	// a group (ErrNotFound otherwise).
	AddMember(ctx context.Context, groupID, memberID string) error
	RemoveMember(ctx context.Context, groupID, memberID string) error
	ListMembers(ctx context.Context, groupID string) ([]string, error)
	// ListMemberships returns every edge (the RBAC index builds closures).
	ListMemberships(ctx context.Context) ([]Membership, error)
}

// Credentials are service principals' secrets, certificates and federated
// credentials.
type Credentials interface {
	CreateCredential(ctx context.Context, c Credential) error
	ListCredentials(ctx context.Context, principalID string) ([]Credential, error)
	DeleteCredential(ctx context.Context, principalID, id string) error
}

// Resources holds ARM resources (subscriptions and resource groups included)
// and the attachment of user-assigned identities to them.
type Resources interface {
	// CreateResource fails with ErrConflict if the ID exists.
	CreateResource(ctx context.Context, r Resource) error
	GetResource(ctx context.Context, id string) (Resource, error)
	ListResources(ctx context.Context, f ResourceFilter) ([]Resource, error)
	// FindResource returns the resource of type typ named name, ignoring
	// case; it is meant for types whose names are unique in the tenant
	// (storage accounts, vaults), which the data plane addresses by name.
	FindResource(ctx context.Context, typ, name string) (Resource, error)
	// UpdateResource applies fn atomically; ID and Type may not change.
	UpdateResource(ctx context.Context, id string, fn func(Resource) (Resource, error)) error
	// DeleteResource removes the resource, every resource whose ID is nested
	// below it (a group's resources, a site's config), and the identity
	// attachments of all of them. Principals and role assignments are not
	// touched: package resources deletes them in the same transaction.
	DeleteResource(ctx context.Context, id string) error

	// AttachIdentity attaches the user-assigned identity resource identityID
	// to resource id (idempotent).
	AttachIdentity(ctx context.Context, id, identityID string) error
	DetachIdentity(ctx context.Context, id, identityID string) error
	// AttachedIdentities lists the identity resource IDs attached to id.
	AttachedIdentities(ctx context.Context, id string) ([]string, error)
	// ResourcesUsingIdentity lists the resource IDs identityID is attached to.
	ResourcesUsingIdentity(ctx context.Context, identityID string) ([]string, error)
}

// Hosts holds host-agent enrolments (see Host).
type Hosts interface {
	// PutHost creates or replaces the row for h.ID.
	PutHost(ctx context.Context, h Host) error
	GetHost(ctx context.Context, id string) (Host, error)
	// GetHostByJoinToken finds the host whose JoinTokenHash is hash.
	GetHostByJoinToken(ctx context.Context, hash string) (Host, error)
	// GetHostByCertSerial finds the host whose CertSerial or PrevCertSerial
	// is serial (callers check the matching expiry).
	GetHostByCertSerial(ctx context.Context, serial string) (Host, error)
	ListHosts(ctx context.Context) ([]Host, error)
	// UpdateHost applies fn to the current row atomically.
	UpdateHost(ctx context.Context, id string, fn func(Host) (Host, error)) error
	DeleteHost(ctx context.Context, id string) error
}

// RoleDefinitions holds custom role definitions.
type RoleDefinitions interface {
	// PutRoleDefinition creates or replaces by ID; ErrConflict if another
	// definition has the same RoleName.
	PutRoleDefinition(ctx context.Context, d RoleDefinition) error
	GetRoleDefinition(ctx context.Context, id string) (RoleDefinition, error)
	ListRoleDefinitions(ctx context.Context) ([]RoleDefinition, error)
	DeleteRoleDefinition(ctx context.Context, id string) error
}

// Assignments holds role assignments.
type Assignments interface {
	// CreateAssignment fails with ErrConflict if the name exists or the same
	// (principal, role, scope) is already assigned.
	CreateAssignment(ctx context.Context, a RoleAssignment) error
	GetAssignment(ctx context.Context, name string) (RoleAssignment, error)
	ListAssignments(ctx context.Context, f AssignmentFilter) ([]RoleAssignment, error)
	DeleteAssignment(ctx context.Context, name string) error
	// DeleteAssignments deletes every assignment matching f (which must not
	// be empty) and returns them.
	DeleteAssignments(ctx context.Context, f AssignmentFilter) ([]RoleAssignment, error)
}

// Keys holds token-signing keys.
type Keys interface {
	PutKey(ctx context.Context, k SigningKey) error
	ListKeys(ctx context.Context) ([]SigningKey, error)
	DeleteKey(ctx context.Context, id string) error
}

// Changes is the change feed. Backends append to it in the same transaction
// as every write to assignments, role definitions, memberships and principal
// deletions; revisions increase strictly in commit order.
type Changes interface {
	ChangesSince(ctx context.Context, revision int64, limit int) ([]Change, error)
	LatestRevision(ctx context.Context) (int64, error)
}

// Tx is every aggregate, bound to one transaction (or, on Store, to
// auto-committed single statements).
type Tx interface {
	Meta
	Principals
	Memberships
	Credentials
	Resources
	Hosts
	RoleDefinitions
	Assignments
	Keys
	Changes
	Secrets
}

// Store is a backend.
type Store interface {
	Tx
	// Update runs fn in one serializable transaction and commits if fn
	// returns nil; otherwise nothing fn wrote is kept. fn may run more than
	// once if the backend retries a serialization failure, so it must not
	// have side effects outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the backend answers (readiness).
	Ping(ctx context.Context) error
	Close() error
}

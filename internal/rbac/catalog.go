package rbac

import (
	"strings"

	"github.com/lanyardhq/lanyard/internal/store"
)

// The built-in catalog is a static overlay (like dex's static clients): the
// store never holds these rows, so every backend and every replica agrees on
// them without seeding.

// BuiltInRole is the RoleType of every catalog entry.
const BuiltInRole = "BuiltInRole"

// CustomRole is the RoleType of stored role definitions.
const CustomRole = "CustomRole"

// Well-known built-in role IDs other packages refer to.
const (
	OwnerID                      = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	ContributorID                = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	ReaderID                     = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	UserAccessAdministratorID    = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	RBACAdministratorID          = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	ManagedIdentityContributorID = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59"
	ManagedIdentityOperatorID    = "f1a07417-d97a-45cb-824c-7a7467783830"
	StorageBlobDataOwnerID       = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
	StorageBlobDataContributorID = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	StorageBlobDataReaderID      = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
	KeyVaultAdministratorID      = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
	KeyVaultSecretsOfficerID     = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	KeyVaultSecretsUserID        = "4633458b-17de-408a-b874-0445c86b69e6"
	KeyVaultReaderID             = "21090545-7ca7-4776-b22c-e363652d74d2"
)

var (
	builtins       = buildCatalog()
	builtinsByID   = indexBy(builtins, func(d store.RoleDefinition) string { return d.ID })
	builtinsByName = indexBy(builtins, func(d store.RoleDefinition) string { return strings.ToLower(d.RoleName) })
)

func buildCatalog() []store.RoleDefinition {
	var all []store.RoleDefinition
	all = append(all, generalRoles()...)
	all = append(all, identityRoles()...)
	all = append(all, storageRoles()...)
	all = append(all, keyVaultRoles()...)
	all = append(all, serviceBusRoles()...)
	for i := range all {
		all[i].RoleType = BuiltInRole
		all[i].AssignableScopes = []string{"/"}
	}
	return all
}

func indexBy(ds []store.RoleDefinition, key func(store.RoleDefinition) string) map[string]int {
	m := make(map[string]int, len(ds))
	for i, d := range ds {
		m[key(d)] = i
	}
	return m
}

// Builtins returns a copy of the built-in catalog.
func Builtins() []store.RoleDefinition {
	out := make([]store.RoleDefinition, len(builtins))
	for i, d := range builtins {
		out[i] = cloneRole(d)
	}
	return out
}

// BuiltinByID returns the built-in role with this GUID (case-insensitive).
func BuiltinByID(id string) (store.RoleDefinition, bool) {
	i, ok := builtinsByID[strings.ToLower(id)]
	if !ok {
		return store.RoleDefinition{}, false
	}
	return cloneRole(builtins[i]), true
}

// BuiltinByName returns the built-in role with this name, case-insensitively.
func BuiltinByName(name string) (store.RoleDefinition, bool) {
	i, ok := builtinsByName[strings.ToLower(name)]
	if !ok {
		return store.RoleDefinition{}, false
	}
	return cloneRole(builtins[i]), true
}

// cloneRole deep-copies d so callers cannot alter the catalog or the index.
func cloneRole(d store.RoleDefinition) store.RoleDefinition {
	perms := make([]store.Permission, len(d.Permissions))
	for i, p := range d.Permissions {
		perms[i] = store.Permission{
			Actions:        cloneStrings(p.Actions),
			NotActions:     cloneStrings(p.NotActions),
			DataActions:    cloneStrings(p.DataActions),
			NotDataActions: cloneStrings(p.NotDataActions),
		}
	}
	d.Permissions = perms
	d.AssignableScopes = cloneStrings(d.AssignableScopes)
	return d
}

// cloneStrings copies s, turning nil into an empty slice so JSON renders [].
func cloneStrings(s []string) []string {
	out := make([]string, len(s))
	copy(out, s)
	return out
}

// perm builds a single-block permission list.
func perm(actions, notActions, dataActions, notDataActions []string) []store.Permission {
	return []store.Permission{{
		Actions:        cloneStrings(actions),
		NotActions:     cloneStrings(notActions),
		DataActions:    cloneStrings(dataActions),
		NotDataActions: cloneStrings(notDataActions),
	}}
}

// Package scope parses Azure Resource Manager resource IDs and RBAC scopes
// ("/", "/subscriptions/{s}", "/subscriptions/{s}/resourceGroups/{g}",
// ".../providers/{ns}/{type}/{name}[/{type}/{name}...]") and walks a scope's
// ancestors without allocating, which the RBAC hot path relies on.
package scope

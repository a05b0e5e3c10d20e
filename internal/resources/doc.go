// Package resources is Lanyard's resource manager: subscriptions, resource
// groups and the typed resources (user-assigned identities, apps, hosts,
// storage accounts, key vaults) served on the ARM router, with their identity
// blocks and the lifecycle that keeps principals, attachments and role
// assignments consistent with the resources that own them.
package resources

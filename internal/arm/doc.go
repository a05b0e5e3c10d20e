// Package arm speaks the Azure Resource Manager wire protocol: it routes
// "/subscriptions/..." and "/providers/..." paths, case-insensitively, to the
// handler registered for the addressed resource type, checks api-version,
// decodes bounded JSON bodies and writes ARM's error body
// {"error":{"code","message"}}. Domain packages register their types.
package arm

package vault

import (
	"net/http"
	"strings"
)

// Data actions, as Azure's Key Vault RBAC names them.
const (
	actionGetSecret    = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
	actionReadMetadata = "Microsoft.KeyVault/vaults/secrets/readMetadata/action"
	actionSetSecret    = "Microsoft.KeyVault/vaults/secrets/setSecret/action"
	actionUpdate       = "Microsoft.KeyVault/vaults/secrets/update/action"
	actionDelete       = "Microsoft.KeyVault/vaults/secrets/delete"
	actionRecover      = "Microsoft.KeyVault/vaults/secrets/recover/action"
	actionPurge        = "Microsoft.KeyVault/vaults/secrets/purge/action"
	actionBackup       = "Microsoft.KeyVault/vaults/secrets/backup/action"
	actionRestore      = "Microsoft.KeyVault/vaults/secrets/restore/action"
)

// operation is one routed request: what to run, the data action it needs,
// and the secret it names ("" for vault-wide operations, which are
// authorized at the vault's scope; per-secret ones at
// {vault}/secrets/{name}, so assignments on one secret work as in Azure).
type operation struct {
	run     func(h *Handler, c *call) error
	action  string
	name    string
	version string // "" for the latest
}

// route maps method and path (below the vault) to an operation. Fixed
// segments ignore case, as Key Vault's do.
func route(method, path string) (operation, *apiError) {
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range min(len(seg), 3) {
		if i != 1 {
			seg[i] = strings.ToLower(seg[i])
		}
	}
	type m = map[string]operation
	var table m
	var name string
	perSecret := len(seg) >= 2 && !(len(seg) == 2 && seg[1] == "")
	switch {
	case seg[0] == "secrets" && (len(seg) == 1 || len(seg) == 2 && seg[1] == ""):
		table = m{"GET": {run: (*Handler).list, action: actionReadMetadata}}
	case seg[0] == "secrets" && len(seg) == 2 && seg[1] == "restore":
		// PUT/GET /secrets/restore are a secret named "restore".
		table = m{"POST": {run: (*Handler).notImplemented, action: actionRestore},
			"PUT": {run: (*Handler).set, action: actionSetSecret}, "GET": {run: (*Handler).get, action: actionGetSecret},
			"PATCH": {run: (*Handler).update, action: actionUpdate}, "DELETE": {run: (*Handler).delete, action: actionDelete}}
		name = seg[1]
	case seg[0] == "secrets" && len(seg) == 2:
		table = m{"PUT": {run: (*Handler).set, action: actionSetSecret}, "GET": {run: (*Handler).get, action: actionGetSecret},
			"PATCH": {run: (*Handler).update, action: actionUpdate}, "DELETE": {run: (*Handler).delete, action: actionDelete}}
		name = seg[1]
	case seg[0] == "secrets" && len(seg) == 3 && seg[2] == "versions":
		table, name = m{"GET": {run: (*Handler).listVersions, action: actionReadMetadata}}, seg[1]
	case seg[0] == "secrets" && len(seg) == 3 && seg[2] == "backup":
		table, name = m{"POST": {run: (*Handler).notImplemented, action: actionBackup}}, seg[1]
	case seg[0] == "secrets" && len(seg) == 3:
		// seg[2] is a version, "" (trailing slash) for the latest.
		table = m{"GET": {run: (*Handler).get, action: actionGetSecret, version: seg[2]},
			"PATCH": {run: (*Handler).update, action: actionUpdate, version: seg[2]}}
		name = seg[1]
	case seg[0] == "deletedsecrets" && (len(seg) == 1 || len(seg) == 2 && seg[1] == ""):
		table = m{"GET": {run: (*Handler).listDeleted, action: actionReadMetadata}}
	case seg[0] == "deletedsecrets" && len(seg) == 2:
		table = m{"GET": {run: (*Handler).getDeleted, action: actionReadMetadata},
			"DELETE": {run: (*Handler).purge, action: actionPurge}}
		name = seg[1]
	case seg[0] == "deletedsecrets" && len(seg) == 3 && seg[2] == "recover":
		table, name = m{"POST": {run: (*Handler).recover, action: actionRecover}}, seg[1]
	default:
		return operation{}, errorf(http.StatusNotFound, "NotFound", "The requested path is not a Key Vault secrets operation.")
	}
	op, ok := table[method]
	if !ok {
		return operation{}, errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The method %s is not allowed on this path.", method)
	}
	// Every per-secret path names a secret: "/secrets//versions" is a bad
	// name, never a vault-wide operation.
	if perSecret {
		if err := validName(name); err != nil {
			return operation{}, err
		}
	}
	op.name = name
	return op, nil
}

#!/usr/bin/env bash
# Builds the seeds' scenario on an empty `lanyard serve`, then runs the
# examples as the apps. Run it from the directory `lanyard serve` runs in
# (it reads lanyard-data/ca.crt, admin-password and agent.sock there), with
# the repository root as ./ or REPO set:
#
#   ./lanyard serve &            # first terminal
#   examples/setup.sh            # second terminal
#
# Re-running it is safe: apps are created once, the other PUTs are
# idempotent and an existing role assignment is accepted. Needs jq and go.
set -euo pipefail

LANYARD=${LANYARD:-./lanyard}
REPO=${REPO:-.}
SERVER=${LANYARD_SERVER:-https://127.0.0.1:8443}
DATA=${LANYARD_DATA:-./lanyard-data}
ADMIN=${LANYARD_ADMIN:-admin@lanyard.local}
RG=${RG:-demo}
ACCT1=${ACCT1:-demostore1}
ACCT2=${ACCT2:-demostore2}
VAULT=${VAULT:-demo-vault}
SECRET_NAME=${SECRET_NAME:-db-password}

command -v jq >/dev/null || { echo "setup.sh needs jq" >&2; exit 1; }
lanyard() { "$LANYARD" "$@"; }

# assign grants a role, accepting one that already exists (a re-run).
assign() {
  local out
  if ! out=$(lanyard role assignment create --assignee "$1" --role "$2" --scope "$3" 2>&1); then
    grep -q RoleAssignmentExists <<<"$out" || { echo "$out" >&2; return 1; }
  fi
}

echo "== sign in"
lanyard login --server "$SERVER" --ca-file "$DATA/ca.crt" \
  --username "$ADMIN" --password-file "$DATA/admin-password" >/dev/null
SUB=$(lanyard account show | jq -r '.id // .[0].id')
RGID=/subscriptions/$SUB/resourceGroups/$RG

echo "== group, identities, storage accounts, vault"
lanyard group create -n "$RG" >/dev/null
SHARED=$(lanyard identity create -g "$RG" -n shared)
DATABASES=$(lanyard identity create -g "$RG" -n databases)
SHARED_CLIENT_ID=$(jq -r .properties.clientId <<<"$SHARED")
DATABASES_CLIENT_ID=$(jq -r .properties.clientId <<<"$DATABASES")
URL1=$(lanyard storage account create -g "$RG" -n "$ACCT1" | jq -r .properties.primaryEndpoints.blob)
URL2=$(lanyard storage account create -g "$RG" -n "$ACCT2" | jq -r .properties.primaryEndpoints.blob)
VAULT_URL=$(lanyard keyvault create -g "$RG" -n "$VAULT" | jq -r .properties.vaultUri)
ACCT1_ID=$RGID/providers/Microsoft.Storage/storageAccounts/$ACCT1
ACCT2_ID=$RGID/providers/Microsoft.Storage/storageAccounts/$ACCT2
VAULT_ID=$RGID/providers/Microsoft.KeyVault/vaults/$VAULT

# Path-style vault URLs (https://server/vaults/<vault>) need the SDK's
# DisableChallengeResourceVerification; host-style (serve --domain) do not.
DISABLE_CHALLENGE=false
[[ $VAULT_URL == */vaults/* ]] && DISABLE_CHALLENGE=true

echo "== apps: web1 (shared + databases + system-assigned), web2 (shared)"
# An app is created only once: PUT on an existing app replaces it, identity
# block included, so a re-run would swap web1's system-assigned identity for a
# new one (and the agent may still hold tokens of the old one for minutes).
for app in web1 web2; do
  lanyard app show -g "$RG" -n "$app" >/dev/null 2>&1 || lanyard app create -g "$RG" -n "$app" >/dev/null
done
WEB1=$(lanyard app identity assign -g "$RG" -n web1 --system-assigned --identities shared databases)
WEB1_SYSTEM=$(jq -r .principalId <<<"$WEB1")
lanyard app identity assign -g "$RG" -n web2 --identities shared >/dev/null
for app in web1 web2; do
  lanyard app config set -g "$RG" -n "$app" --settings \
    "APP_NAME=$app" "Managed_Identity_Client_ID=$SHARED_CLIENT_ID" \
    "Managed_Identity_Client_ID_Storage=$SHARED_CLIENT_ID" "Managed_Identity_Client_ID_Databases=$DATABASES_CLIENT_ID" \
    "STORAGE_ACCOUNT_1_URL=$URL1" "STORAGE_ACCOUNT_2_URL=$URL2" \
    "CONTAINER_NAME=shared" "VAULT_URL=$VAULT_URL" "SECRET_NAME=$SECRET_NAME" \
    "KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=$DISABLE_CHALLENGE" >/dev/null
done

echo "== role assignments"
assign shared "Storage Blob Data Contributor" "$ACCT1_ID"
assign shared "Storage Blob Data Contributor" "$ACCT2_ID"
assign shared "Key Vault Secrets User" "$VAULT_ID"
assign "$WEB1_SYSTEM" "Key Vault Secrets User" "$VAULT_ID"   # multiidentity reads the vault as web1 itself
assign "$ADMIN" "Key Vault Secrets Officer" "$VAULT_ID"      # so this script can set the secret

echo "== the secret (from a file, so it never appears in the process list)"
secret_file=$(mktemp)
trap 'rm -f "$secret_file"' EXIT
head -c 24 /dev/urandom | base64 >"$secret_file"
lanyard keyvault secret set --vault-name "$VAULT" -n "$SECRET_NAME" --file "$secret_file" \
  --content-type text/plain >/dev/null

echo "== run the examples as the apps"
bin=$(mktemp -d)
trap 'rm -f "$secret_file"; rm -rf "$bin"' EXIT
(cd "$REPO" && go build -o "$bin/" ./examples/sharedidentity ./examples/multiidentity)
export SSL_CERT_FILE=$DATA/ca.crt   # the apps trust Lanyard's CA as Go trusts any root
run() { lanyard run --socket "$DATA/agent.sock" --app "$1" -- "${@:2}"; }
run web1 "$bin/sharedidentity"
run web2 "$bin/sharedidentity"   # reads web1's blob
run web1 "$bin/sharedidentity"   # and now web2's
run web1 "$bin/multiidentity"

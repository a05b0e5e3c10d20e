"""Managed identity through the App Service protocol, as an app run with
`lanyard run --app NAME -- python3 managed_identity.py`.

`lanyard run` supplies IDENTITY_ENDPOINT, IDENTITY_HEADER and the app
settings (Managed_Identity_Client_ID, STORAGE_ACCOUNT_1_URL, VAULT_URL,
SECRET_NAME); REQUESTS_CA_BUNDLE makes requests trust Lanyard's CA. The
script prints one JSON line: tokens (verified by the Go test), blob round
trips, the secret's hash (never its value) and the errors a role-less
identity gets.
"""
import hashlib

from azure.identity import DefaultAzureCredential, ManagedIdentityCredential
from azure.keyvault.secrets import SecretClient
from azure.storage.blob import BlobServiceClient

from common import blob_round_trip, emit, env, failure, token_report

VAULT_SCOPE = "https://vault.azure.net/.default"


def secret_report(vault_url, credential, name):
    # Path-style vault URLs (https://host:port/vaults/NAME) cannot pass the
    # SDK's check that the vault's host ends in the challenge's resource host.
    kv = SecretClient(vault_url, credential, verify_challenge_resource=False)
    s = kv.get_secret(name)
    return {
        "name": s.name,
        "version": s.properties.version,
        "sha256": hashlib.sha256(s.value.encode()).hexdigest(),
        "id": s.id,
    }


def main():
    client_id = env("Managed_Identity_Client_ID")
    account_url, vault_url, secret = env("STORAGE_ACCOUNT_1_URL"), env("VAULT_URL"), env("SECRET_NAME")

    creds = {
        "mi_client_id": ManagedIdentityCredential(client_id=client_id),
        "mi_system": ManagedIdentityCredential(),
        "dac_client_id": DefaultAzureCredential(managed_identity_client_id=client_id),
        "dac": DefaultAzureCredential(),
    }
    report = {"tokens": {}, "vault_tokens": {}, "blob": {}, "secret": {}}
    for name, cred in creds.items():
        report["tokens"][name] = token_report(cred)
        report["vault_tokens"][name] = token_report(cred, VAULT_SCOPE)

    # The user-assigned identity holds the data roles.
    for name in ("mi_client_id", "dac_client_id"):
        report["blob"][name] = blob_round_trip(account_url, creds[name], "py-" + name.replace("_", "-"))
        report["secret"][name] = secret_report(vault_url, creds[name], secret)

    # The system-assigned identity has no role on either: the service's 403
    # must reach Python as HttpResponseError with the service's error code.
    system = creds["mi_system"]
    kv = SecretClient(vault_url, system, verify_challenge_resource=False)
    svc = BlobServiceClient(account_url, credential=system)
    report["denied"] = {
        "blob_create_container": failure(lambda: svc.create_container("py-denied")),
        "blob_list": failure(lambda: list(svc.list_containers())),
        "vault_get": failure(lambda: kv.get_secret(secret)),
    }
    emit(report)


if __name__ == "__main__":
    main()

"""A service principal signing in with ClientSecretCredential against
Lanyard's token service, then using Key Vault secrets and blob storage,
path-style and (when HOST_DOMAIN is set) host-style.

Environment: AUTHORITY (the server URL), TENANT_ID, CLIENT_ID, CLIENT_SECRET,
VAULT_URL, ACCOUNT_URL (the account the principal may write),
DENIED_ACCOUNT_URL (one it may not), and optionally HOST_DOMAIN,
HOST_ADDRESS (host:port every *.HOST_DOMAIN name resolves to), HOST_VAULT_URL,
HOST_ACCOUNT_URL. REQUESTS_CA_BUNDLE trusts Lanyard's CA.
"""
import hashlib
import os

from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient
from azure.storage.blob import BlobServiceClient

from common import blob_round_trip, emit, env, failure, token_report
from names import resolve_to

VAULT_SCOPE = "https://vault.azure.net/.default"


def credential(secret):
    # instance_discovery=False: otherwise MSAL asks login.microsoftonline.com
    # whether the authority is a known cloud (this azure-identity version's
    # name for what later became disable_instance_discovery=True).
    return ClientSecretCredential(
        env("TENANT_ID"), env("CLIENT_ID"), secret, authority=env("AUTHORITY"), instance_discovery=False
    )


def secret_life_cycle(kv, name, value):
    set_ = kv.set_secret(name, value, content_type="text/plain")
    got = kv.get_secret(name)
    names = sorted(p.name for p in kv.list_properties_of_secrets())
    deleted = kv.begin_delete_secret(name).result()
    after = failure(lambda: kv.get_secret(name))
    return {
        "set_version": set_.properties.version,
        "get_version": got.properties.version,
        "value_equal": got.value == value,
        "content_type": got.properties.content_type,
        "listed": names,
        "deleted_name": deleted.name,
        "deleted_recovery_id": deleted.recovery_id,
        "get_after_delete": after,
    }


def main():
    cred = credential(env("CLIENT_SECRET"))
    kv = SecretClient(env("VAULT_URL"), cred, verify_challenge_resource=False)
    report = {
        "token": token_report(cred),
        "vault_token": token_report(cred, VAULT_SCOPE),
        "vault": secret_life_cycle(kv, "py-sp-secret", "value-from-python"),
        "seed_secret_sha256": hashlib.sha256(kv.get_secret(env("SECRET_NAME")).value.encode()).hexdigest(),
        "blob": blob_round_trip(env("ACCOUNT_URL"), cred, "py-sp"),
    }
    denied = BlobServiceClient(env("DENIED_ACCOUNT_URL"), credential=cred)
    report["denied_blob"] = failure(lambda: denied.create_container("py-sp-denied"))

    def wrong_secret():
        credential("not-the-secret").get_token(VAULT_SCOPE)

    try:
        wrong_secret()
        report["wrong_secret"] = {"ok": True}
    except ClientAuthenticationError as e:
        report["wrong_secret"] = {"type": type(e).__name__, "status": e.status_code, "message": e.message[:300]}

    if os.environ.get("HOST_DOMAIN"):
        resolve_to(env("HOST_DOMAIN"), env("HOST_ADDRESS"))
        # Host-style needs no client option: the challenge resource is
        # https://vault.DOMAIN:PORT, which the vault's host ends in.
        hkv = SecretClient(env("HOST_VAULT_URL"), cred)
        s = hkv.get_secret(env("SECRET_NAME"))
        report["host"] = {
            "secret_id": s.id,
            "secret_name": s.name,
            "secret_sha256": hashlib.sha256(s.value.encode()).hexdigest(),
            "blob": blob_round_trip(env("HOST_ACCOUNT_URL"), cred, "py-host"),
        }
    emit(report)


if __name__ == "__main__":
    main()

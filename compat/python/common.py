"""Helpers shared by the Lanyard compatibility scripts.

Everything here uses the unmodified Azure SDK for Python; the only
Lanyard-specific configuration is in the URLs and the trusted CA
(REQUESTS_CA_BUNDLE), both supplied by the Go test through the environment.
"""
import base64
import json
import os
import sys

from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobServiceClient

STORAGE_SCOPE = "https://storage.azure.com/.default"


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set")
    return value


def claims(token):
    """The unverified payload of a JWT; the Go test verifies the signature."""
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def token_report(credential, scope=STORAGE_SCOPE):
    """The token for scope, with what the SDK believes its expiry is, so the
    Go test can check the signature, audience and expiry against the JWKS."""
    tok = credential.get_token(scope)
    c = claims(tok.token)
    return {"token": tok.token, "expires_on": tok.expires_on, "aud": c.get("aud"), "oid": c.get("oid")}


def failure(fn):
    """Runs fn and reports how it failed: the exception type, HTTP status and
    service error code as the SDK surfaces them, or ok when it did not."""
    try:
        fn()
    except HttpResponseError as e:
        # Storage sets error_code (from x-ms-error-code); Key Vault's errors in
        # this azure-core (1.26) carry the code only in e.error.code, parsed
        # from the JSON body ({"error":{"code":...}}).
        odata = getattr(e, "error", None)
        return {
            "type": type(e).__name__,
            "status": e.status_code,
            "error_code": getattr(e, "error_code", None),
            "body_code": odata.code if odata is not None else None,
        }
    except Exception as e:  # the report must show what else was raised
        return {"type": type(e).__name__, "message": str(e)[:300]}
    return {"ok": True}


def blob_round_trip(account_url, credential, container, **client_kwargs):
    """Creates a container, writes, reads, lists and deletes a blob, then
    deletes the container; reports what the SDK saw at each step."""
    svc = BlobServiceClient(account_url, credential=credential, **client_kwargs)
    cc = svc.create_container(container)
    data = ("written by python " * 2000).encode()
    cc.upload_blob("dir/a b.txt", data)
    got = cc.download_blob("dir/a b.txt").readall()
    props = cc.get_blob_client("dir/a b.txt").get_blob_properties()
    listed = [b.name for b in cc.list_blobs()]
    cc.delete_blob("dir/a b.txt")
    after = [b.name for b in cc.list_blobs()]
    containers = [c.name for c in svc.list_containers(name_starts_with=container)]
    # Small limits make the SDK use Put Block + Put Block List and ranged
    # GETs, as it does for large blobs with the default limits.
    chunky = BlobServiceClient(
        account_url, credential=credential, max_single_put_size=16 * 1024, max_block_size=16 * 1024,
        max_single_get_size=32 * 1024, max_chunk_get_size=16 * 1024, **client_kwargs
    )
    big = bytes(range(256)) * 400
    chunky.get_container_client(container).upload_blob("blocks.bin", big, max_concurrency=2)
    big_got = chunky.get_container_client(container).download_blob("blocks.bin", max_concurrency=2).readall()
    cc.delete_blob("blocks.bin")
    svc.delete_container(container)
    left = [c.name for c in svc.list_containers(name_starts_with=container)]
    return {
        "uploaded": len(data),
        "downloaded_equal": got == data,
        "size": props.size,
        "chunked_size": len(big),
        "chunked_equal": big_got == big,
        "listed": listed,
        "after_delete": after,
        "containers": containers,
        "containers_after_delete": left,
    }


def versions():
    """The installed SDK packages' versions, for the test's log."""
    import azure.core, azure.identity, azure.keyvault.secrets, azure.storage.blob, msal

    mods = (azure.core, azure.identity, azure.storage.blob, azure.keyvault.secrets, msal)
    return {m.__name__: getattr(m, "__version__", "") for m in mods}


def emit(report):
    """Prints the report as one JSON line, the test's only input."""
    report["versions"] = versions()
    json.dump(report, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")

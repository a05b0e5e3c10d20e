// sp.mjs signs in as a service principal with ClientSecretCredential
// against Lanyard's token service (authorityHost = the server, instance
// discovery off) and uses Key Vault and blob storage. Inputs (environment):
// LANYARD_URL, LANYARD_TENANT_ID, SP_CLIENT_ID, SP_CLIENT_SECRET, VAULT_URL,
// BLOB_URL (an account the principal may write), DENIED_BLOB_URL (one it
// has no role on), SECRET_NAME (an existing secret in the vault) and
// KEYVAULT_DISABLE_CHALLENGE_VERIFICATION ("true" for a path-style VAULT_URL).
import { ClientSecretCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { SecretClient } from "@azure/keyvault-secrets";
import { failure, main, required, text, tokenInfo } from "./lib.mjs";

main(async () => {
  const server = required("LANYARD_URL");
  const tenant = required("LANYARD_TENANT_ID");
  const clientId = required("SP_CLIENT_ID");
  // Where Lanyard is, and no instance discovery (MSAL would otherwise ask
  // login.microsoftonline.com whether the authority is known).
  const entra = { authorityHost: server, disableInstanceDiscovery: true };
  const cred = new ClientSecretCredential(tenant, clientId, required("SP_CLIENT_SECRET"), entra);
  const out = { token: await tokenInfo(cred, "https://vault.azure.net/.default") };
  out.wrongSecret = await failure(() =>
    new ClientSecretCredential(tenant, clientId, "not-the-secret", entra).getToken("https://vault.azure.net/.default"),
  );

  // Path-style vault URLs need the challenge-resource check off; host-style
  // ones (KEYVAULT_DISABLE_CHALLENGE_VERIFICATION unset) pass it as in Azure.
  const disableChallengeResourceVerification = process.env.KEYVAULT_DISABLE_CHALLENGE_VERIFICATION === "true";
  out.vault = await vaultRoundTrip(new SecretClient(required("VAULT_URL"), cred, { disableChallengeResourceVerification }));

  const svc = new BlobServiceClient(required("BLOB_URL"), cred);
  const container = svc.getContainerClient("js-sp");
  await container.create();
  const body = "x".repeat(70000) + " from a service principal";
  const blob = container.getBlockBlobClient("big.txt");
  await blob.upload(body, Buffer.byteLength(body));
  const read = await text((await blob.download()).readableStreamBody);
  const props = await blob.getProperties();
  out.blob = { same: read === body, length: read.length, contentLength: props.contentLength, etag: Boolean(props.etag) };
  out.blob.duplicateContainer = await failure(() => container.create());
  await container.delete();
  out.blob.denied = await failure(() => new BlobServiceClient(required("DENIED_BLOB_URL"), cred).getContainerClient("js-sp").create());
  return out;
});

// vaultRoundTrip sets, reads, lists and deletes a secret, then confirms it
// is gone. It reports whether values matched, never the values.
async function vaultRoundTrip(kv) {
  const name = "js-sp-secret";
  const value = `js-${Date.now()}`;
  const set = await kv.setSecret(name, value, { contentType: "text/plain" });
  const got = await kv.getSecret(name);
  const byVersion = await kv.getSecret(name, { version: set.properties.version });
  const names = [];
  for await (const p of kv.listPropertiesOfSecrets()) names.push(p.name);
  const poller = await kv.beginDeleteSecret(name, { intervalInMs: 100 });
  const deleted = await poller.pollUntilDone();
  return {
    name: got.name,
    version: set.properties.version,
    sameVersion: got.properties.version === set.properties.version && byVersion.properties.version === set.properties.version,
    valueMatches: got.value === value && byVersion.value === value,
    contentType: got.properties.contentType,
    id: got.properties.id,
    vaultUrl: got.properties.vaultUrl,
    listed: names.sort(),
    deleted: { name: deleted.name, recoveryIdSet: Boolean(deleted.properties.recoveryId), deletedOnSet: Boolean(deleted.properties.deletedOn) },
    afterDelete: await failure(() => kv.getSecret(name)),
    missing: await failure(() => kv.getSecret("never-set")),
  };
}

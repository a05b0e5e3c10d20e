// mi.mjs runs under `lanyard run --app NAME -- node mi.mjs`: the App
// Service managed-identity protocol (IDENTITY_ENDPOINT, IDENTITY_HEADER)
// with the unmodified @azure/identity, then blob storage and Key Vault with
// those credentials. Its inputs are the app's settings: Managed_Identity_Client_ID
// (a user-assigned identity with data roles), STORAGE_ACCOUNT_1_URL and
// VAULT_URL (path-style), SECRET_NAME and APP_NAME. The app's
// system-assigned identity is expected to hold no data role, so its
// requests show how a 403 surfaces in JavaScript.
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { SecretClient } from "@azure/keyvault-secrets";
import { failure, main, required, text, tokenInfo } from "./lib.mjs";

const storageScope = "https://storage.azure.com/.default";
const vaultScope = "https://vault.azure.net/.default";

// The one client option path-style vault URLs need: the SDK otherwise
// requires the vault's host to end in the challenge resource's host.
const vaultOptions = { disableChallengeResourceVerification: true };

main(async () => {
  const clientId = required("Managed_Identity_Client_ID");
  const blobURL = required("STORAGE_ACCOUNT_1_URL");
  const vaultURL = required("VAULT_URL");
  const secretName = required("SECRET_NAME");
  const app = required("APP_NAME");

  const user = new ManagedIdentityCredential({ clientId });
  const system = new ManagedIdentityCredential();
  const out = {
    tokens: {
      userStorage: await tokenInfo(user, storageScope),
      userVault: await tokenInfo(user, vaultScope),
      systemStorage: await tokenInfo(system, storageScope),
      dacSystem: await tokenInfo(new DefaultAzureCredential(), storageScope),
    },
  };
  // DefaultAzureCredential reads AZURE_CLIENT_ID when it is constructed;
  // on App Service one sets it from the app setting, as here.
  process.env.AZURE_CLIENT_ID = clientId;
  const dacUser = new DefaultAzureCredential();
  out.tokens.dacUser = await tokenInfo(dacUser, storageScope);
  // The other two ways to name a user-assigned identity, if the caller
  // passed them (they are not app settings).
  if (process.env.MI_RESOURCE_ID) {
    out.tokens.byResourceId = await tokenInfo(new ManagedIdentityCredential({ resourceId: process.env.MI_RESOURCE_ID }), vaultScope);
  }
  if (process.env.MI_OBJECT_ID) {
    out.tokens.byObjectId = await tokenInfo(new ManagedIdentityCredential({ objectId: process.env.MI_OBJECT_ID }), vaultScope);
  }

  out.blob = await blobRoundTrip(new BlobServiceClient(blobURL, user), new BlobServiceClient(blobURL, system), app);

  const secret = await new SecretClient(vaultURL, user, vaultOptions).getSecret(secretName);
  out.secret = {
    name: secret.name,
    version: secret.properties.version,
    vaultUrl: secret.properties.vaultUrl,
    id: secret.properties.id,
    length: secret.value.length,
  };
  const viaDAC = await new SecretClient(vaultURL, dacUser, vaultOptions).getSecret(secretName);
  out.secretViaDAC = { name: viaDAC.name, length: viaDAC.value.length };
  out.vaultForbidden = await failure(() => new SecretClient(vaultURL, system, vaultOptions).getSecret(secretName));
  return out;
});

// blobRoundTrip creates a container, uploads, downloads and lists a blob
// with the identity that holds a data role, checks that the one without it
// is refused, and cleans up.
async function blobRoundTrip(svc, denied, app) {
  const container = svc.getContainerClient(`js-${app}`);
  await container.create();
  const body = `written by ${app} from JavaScript`;
  const blob = container.getBlockBlobClient("dir/hello js.txt");
  await blob.upload(body, Buffer.byteLength(body));
  const dl = await blob.download();
  const read = await text(dl.readableStreamBody);
  const listed = [];
  for await (const b of container.listBlobsFlat()) listed.push({ name: b.name, size: b.properties.contentLength });
  const containers = [];
  for await (const c of svc.listContainers({ prefix: "js-" })) containers.push(c.name);
  const deniedRead = await failure(() =>
    denied.getContainerClient(container.containerName).getBlockBlobClient("dir/hello js.txt").download(),
  );
  const deniedWrite = await failure(() =>
    denied.getContainerClient(container.containerName).getBlockBlobClient("intruder.txt").upload("x", 1),
  );
  await blob.delete();
  const existsAfterDelete = await blob.exists();
  await container.delete();
  return { read, listed, containers, deniedRead, deniedWrite, existsAfterDelete, containerExists: await container.exists() };
}

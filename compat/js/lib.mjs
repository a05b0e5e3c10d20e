// Helpers shared by the compat scripts. They never print a token or a
// secret's value: only claims, lengths, names and error codes.

// claims decodes a JWT's payload without verifying it; the Go test that
// runs these scripts checks the values against what the server issued.
export function claims(token) {
  const payload = token.split(".")[1];
  const c = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  return { aud: c.aud, oid: c.oid, tid: c.tid, appid: c.appid, xms_mirid: c.xms_mirid };
}

// tokenInfo gets a token for scope and keeps what a test may assert on.
export async function tokenInfo(cred, scope) {
  const tok = await cred.getToken(scope);
  return { ...claims(tok.token), expiresInSeconds: Math.round((tok.expiresOnTimestamp - Date.now()) / 1000) };
}

// failure runs fn, which is expected to fail, and reports the error the SDK
// surfaced (RestError for data planes, AuthenticationError for Entra).
export async function failure(fn) {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { name: e.name, code: e.code ?? e.errorResponse?.error, statusCode: e.statusCode, message: String(e.message).slice(0, 400) };
  }
}

// text reads a Node stream (a blob download's body) to a string.
export async function text(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}

// required reads an environment variable the Go test (or an app setting
// under `lanyard run`) must provide.
export function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

// main prints result as one JSON line, or the error on stderr and exits 1.
export function main(fn) {
  fn().then(
    (result) => console.log(JSON.stringify(result)),
    (err) => {
      console.error(err?.stack ?? String(err));
      process.exit(1);
    },
  );
}

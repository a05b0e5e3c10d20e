// hosts.cjs is preloaded (node --require ./hosts.cjs) for host-style tests:
// it resolves every name under $LANYARD_TEST_DOMAIN to $LANYARD_TEST_ADDR,
// what DNS wildcard records or /etc/hosts do for a real deployment. It
// changes name resolution only; TLS still verifies the requested name.
const dns = require("node:dns");

const domain = process.env.LANYARD_TEST_DOMAIN;
const addr = process.env.LANYARD_TEST_ADDR || "127.0.0.1";
const lookup = dns.lookup;

dns.lookup = function (hostname, options, callback) {
  if (typeof options === "function") [options, callback] = [{}, options];
  if (typeof options === "number") options = { family: options };
  if (domain && (hostname === domain || hostname.endsWith("." + domain))) {
    const family = addr.includes(":") ? 6 : 4;
    const answer = options?.all ? [[{ address: addr, family }]] : [addr, family];
    process.nextTick(() => callback(null, ...answer));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};

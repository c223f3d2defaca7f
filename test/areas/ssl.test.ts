// ABI area "ssl" (ngx_wasm_ssl_get_server_name, ngx_wasm_ssl_reject_handshake,
// ngx_wasm_ssl_set_certificate) at the raw ABI, on both hosts: on nginx each
// case is a TLS server of its own reached by a real handshake (runner.ts),
// where sslRejectAlert is the alert the client received and certificate
// whether the served certificate is not the server's default. Reports go to
// the log.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { areaSuite, phaseGateCases, str, type AreaCase, type Observed } from "./runner.js";

const fixture = (f: string): string => readFileSync(join(projectRoot(), "test", "host", "fixtures", f), "utf8");
const CERT = fixture("test.crt");
const KEY = fixture("test.key");
/** a private key that is not the certificate's */
const OTHER_KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const sni = { ssl: { serverName: "a.test" } };
const getName = (len = 64, peek = 8) =>
  `(call $fill) (call $rc (call $ngx_wasm_ssl_get_server_name (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const reject = (alert: number) => `(call $rc (call $ngx_wasm_ssl_reject_handshake (i32.const ${alert})))`;
const setCert = (cert: string, key: string) => `(call $rc (call $ngx_wasm_ssl_set_certificate ${str(cert)} ${str(key)}))`;
const noCertificate = (o: Observed): void =>
  o.host === "nginx" ? expect(o.certificate, "the server's default certificate").toBe(false) : expect(o.ts?.certificate, "no certificate chosen").toBeUndefined();
const noReject = (o: Observed): void => expect(o.host === "nginx" ? o.sslRejectAlert : o.ts?.sslRejectAlert, "the handshake goes on").toBeUndefined();
const PHASES = ["ssl_client_hello", "ssl_certificate"] as const;

const CASES: AreaCase[] = [
  // ---- ngx_wasm_ssl_get_server_name
  ...PHASES.flatMap((phase): AreaCase[] => [
    {
      name: `ssl_get_server_name in ${phase}: the full length and the SNI`,
      phase,
      wat: getName(64, 8),
      ts: sni,
      expect: { report: "rc=6;[a.test##]", check: noReject },
    },
    {
      name: `ssl_get_server_name in ${phase} without SNI: -1, the buffer untouched`,
      phase,
      wat: getName(64, 2),
      ts: { ssl: {} },
      expect: { report: "rc=-1;[##]" },
    },
  ]),
  {
    name: "ssl_get_server_name: a buffer too small gets what fits, the full length is returned",
    phase: "ssl_client_hello",
    wat: getName(3, 5),
    ts: sni,
    expect: { report: "rc=6;[a.t##]" },
  },
  {
    name: "ssl_get_server_name: a zero-length buffer gets nothing, the full length is returned",
    phase: "ssl_client_hello",
    wat: getName(0, 2),
    ts: sni,
    expect: { report: "rc=6;[##]" },
  },
  {
    name: "ssl_get_server_name: a negative pointer or length is -2",
    phase: "ssl_client_hello",
    wat: `(call $rc (call $ngx_wasm_ssl_get_server_name (i32.const -1) (i32.const 8))) (call $rc (call $ngx_wasm_ssl_get_server_name (global.get $BUF) (i32.const -1)))`,
    ts: sni,
    expect: { report: "rc=-2;rc=-2;" },
  },
  {
    name: "ssl_get_server_name: a buffer past the end of memory traps, naming the function",
    phase: "ssl_client_hello",
    wat: `(call $rc (call $ngx_wasm_ssl_get_server_name (i32.const 65534) (i32.const 8)))`,
    ts: sni,
    expect: { trap: /ngx_wasm_ssl_get_server_name\b.*outside guest memory/ },
  },

  // ---- ngx_wasm_ssl_reject_handshake
  {
    name: "ssl_reject_handshake(112) in ssl_client_hello: 0, rejected with that alert",
    phase: "ssl_client_hello",
    wat: reject(112),
    ts: sni,
    expect: { report: "rc=0;", sslRejectAlert: 112 },
  },
  {
    // OpenSSL's certificate callback can only fail with internal_error
    name: "ssl_reject_handshake(112) in ssl_certificate: 0, rejected with internal_error (80)",
    phase: "ssl_certificate",
    wat: reject(112),
    ts: sni,
    expect: { report: "rc=0;", sslRejectAlert: 80 },
  },
  ...[0, 40, 255, -1, 0x7fffffff].map(
    (alert): AreaCase => ({
      name: `ssl_reject_handshake(${alert}): 0 for any alert number`,
      phase: "ssl_client_hello",
      wat: reject(alert),
      ts: sni,
      // OpenSSL sends only the alerts it knows as fatal ones (not close_notify,
      // 0): nginx fails the others' handshakes without an alert
      expect: { report: "rc=0;", sslRejectAlert: alert, onNginx: { sslRejectAlert: alert === 40 ? 40 : -1 } },
    }),
  ),
  {
    name: "ssl_reject_handshake: the last call wins",
    phase: "ssl_client_hello",
    wat: `${reject(40)} ${reject(49)}`,
    ts: sni,
    expect: { report: "rc=0;rc=0;", sslRejectAlert: 49 },
  },

  // ---- ngx_wasm_ssl_set_certificate
  {
    name: "ssl_set_certificate: a PEM certificate and its key: 0, chosen",
    phase: "ssl_certificate",
    wat: setCert(CERT, KEY),
    ts: sni,
    expect: { report: "rc=0;", certificate: true, check: (o) => o.ts && expect(o.ts.certificate).toEqual({ cert: CERT, key: KEY }) },
  },
  {
    name: "ssl_set_certificate: a key that is not the certificate's is -2",
    phase: "ssl_certificate",
    wat: setCert(CERT, OTHER_KEY),
    ts: sni,
    expect: { report: "rc=-2;", check: noCertificate },
  },
  {
    name: "ssl_set_certificate: text that is not PEM is -2",
    phase: "ssl_certificate",
    wat: setCert("not a certificate", KEY),
    ts: sni,
    expect: { report: "rc=-2;", check: noCertificate },
  },
  {
    name: "ssl_set_certificate: key and certificate swapped is -2",
    phase: "ssl_certificate",
    wat: setCert(KEY, CERT),
    ts: sni,
    expect: { report: "rc=-2;", check: noCertificate },
  },
  {
    name: "ssl_set_certificate: empty certificate and key are -2",
    phase: "ssl_certificate",
    wat: `(call $rc (call $ngx_wasm_ssl_set_certificate (global.get $BUF) (i32.const 0) (global.get $BUF) (i32.const 0)))`,
    ts: sni,
    expect: { report: "rc=-2;", check: noCertificate },
  },
  {
    name: "ssl_set_certificate: a refused pair after a chosen one leaves the chosen one",
    phase: "ssl_certificate",
    wat: `${setCert(CERT, KEY)} ${setCert(CERT, OTHER_KEY)}`,
    ts: sni,
    expect: { report: "rc=0;rc=-2;", certificate: true },
  },
  {
    name: "ssl_set_certificate: negative pointers and lengths are -2",
    phase: "ssl_certificate",
    wat: `
      (call $rc (call $ngx_wasm_ssl_set_certificate (i32.const -1) (i32.const 8) ${str(KEY)}))
      (call $rc (call $ngx_wasm_ssl_set_certificate (global.get $BUF) (i32.const -1) ${str(KEY)}))
      (call $rc (call $ngx_wasm_ssl_set_certificate ${str(CERT)} (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_ssl_set_certificate ${str(CERT)} (global.get $BUF) (i32.const -1)))`,
    ts: sni,
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;", check: noCertificate },
  },
  {
    name: "ssl_set_certificate: a key past the end of memory traps, naming the function",
    phase: "ssl_certificate",
    wat: `(call $rc (call $ngx_wasm_ssl_set_certificate ${str(CERT)} (i32.const 65500) (i32.const 241)))`,
    ts: sni,
    expect: { trap: /ngx_wasm_ssl_set_certificate\b.*outside guest memory/ },
  },

  ...phaseGateCases("ssl"),
];

areaSuite("ABI area ssl (ngx_wasm_ssl_*)", CASES);

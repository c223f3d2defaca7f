// TLS hooks through real handshakes against the packaged nginx:
// ssl_client_hello_by_wasm and ssl_certificate_by_wasm run from OpenSSL's
// client-hello and certificate callbacks on the server's SSL_CTX (no nginx
// patch). Certificates are made at test time with the openssl command.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { handshake, resumption, selfSigned, type Pair } from "../support/tls.js";
import { abiGuest } from "../support/wat.js";

/** `(i32.const ptr) (i32.const len)` for bytes placed in data segments from `base` on. */
function placer(base: number): { put: (s: string) => string; segments: () => string } {
  let next = base;
  const segs: string[] = [];
  return {
    put(s: string): string {
      const b = Buffer.from(s, "utf8");
      segs.push(`(data (i32.const ${next}) "${[...b].map((x) => "\\" + x.toString(16).padStart(2, "0")).join("")}")`);
      const out = `(i32.const ${next}) (i32.const ${b.length})`;
      next += b.length + 1;
      return out;
    },
    segments: () => segs.join("\n  "),
  };
}

/** The SNI into memory at 0 (its length in $n, -1 without), then a log line "sni=<name>". */
const SNI = `
    (local.set $n (call $ngx_wasm_ssl_get_server_name (i32.const 0) (i32.const 256)))`;

async function tlsGuest(a: Pair, b: Pair): Promise<Uint8Array> {
  const p = placer(1024);
  const eq = (s: string): string => `(call $eq (local.get $n) ${p.put(s)})`;
  const body = `
  ;; name at 0 (length $len) equals the bytes at $p (length $plen)
  (func $eq (param $len i32) (param $p i32) (param $plen i32) (result i32) (local $i i32)
    (if (i32.ne (local.get $len) (local.get $plen)) (then (return (i32.const 0))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (if (i32.ne (i32.load8_u (local.get $i)) (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.const 1))
  (func $log_sni (param $n i32) (param $what i32) (param $wlen i32)
    (drop (call $ngx_wasm_log (i32.const 6) (local.get $what) (local.get $wlen)))
    (if (i32.ge_s (local.get $n) (i32.const 0))
      (then (drop (call $ngx_wasm_log (i32.const 6) (i32.const 0) (local.get $n))))))
  ;; client hello: log the SNI; reject "bad.test" with unrecognized_name (112)
  (func (export "on_client_hello") (result i32) (local $n i32)
    ${SNI}
    (call $log_sni (local.get $n) ${p.put("client hello, sni:")})
    (if ${eq("bad.test")} (then (drop (call $ngx_wasm_ssl_reject_handshake (i32.const 112)))))
    (i32.const 0))
  ;; certificate: a.test and b.test get their own, no SNI the default, other names are rejected
  (func (export "on_certificate") (result i32) (local $n i32)
    ${SNI}
    (call $log_sni (local.get $n) ${p.put("certificate, sni:")})
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const 0))))
    (if ${eq("a.test")} (then (return (call $ngx_wasm_ssl_set_certificate ${p.put(a.cert)} ${p.put(a.key)}))))
    (if ${eq("b.test")} (then (return (call $ngx_wasm_ssl_set_certificate ${p.put(b.cert)} ${p.put(b.key)}))))
    (drop (call $ngx_wasm_ssl_reject_handshake (i32.const 112)))
    (i32.const 0))
  ;; an invalid PEM: the guest sees -2 (logged), the default certificate stays
  (func (export "on_bad_pem") (result i32) (local $n i32)
    (local.set $n (call $ngx_wasm_ssl_set_certificate ${p.put("not a certificate")} ${p.put(a.key)}))
    (if (i32.eq (local.get $n) (i32.const -2)) (then (drop (call $ngx_wasm_log (i32.const 6) ${p.put("set_certificate: -2")}))))
    (local.set $n (call $ngx_wasm_ssl_set_certificate ${p.put(a.cert)} ${p.put(b.key)}))
    (if (i32.eq (local.get $n) (i32.const -2)) (then (drop (call $ngx_wasm_log (i32.const 6) ${p.put("mismatched key: -2")}))))
    (i32.const 0))
  (func (export "on_trap") (result i32) (unreachable))
  (func (export "on_spin") (result i32) (loop $l (br $l)) (i32.const 0))
  (func (export "on_reject_cert") (result i32) (call $ngx_wasm_ssl_reject_handshake (i32.const 112)))
  ${p.segments()}`;
  return abiGuest(body);
}

/**
 * A certificate guest serving pairs[k] for SNI "p<k>" (decimal): more distinct
 * pairs than the module's PEM cache holds (64), so it evicts.
 */
async function manyPairsGuest(pairs: Pair[]): Promise<Uint8Array> {
  const TABLE = 256;
  const p = placer(TABLE + pairs.length * 16);
  const at = (operands: string): number[] => /\(i32\.const (\d+)\) \(i32\.const (\d+)\)/.exec(operands)!.slice(1).map(Number);
  const le = (v: number): string => [0, 8, 16, 24].map((b) => "\\" + ((v >> b) & 255).toString(16).padStart(2, "0")).join("");
  const entries = pairs.map((pair, k) => {
    const [cp, cl] = at(p.put(pair.cert));
    const [kp, kl] = at(p.put(pair.key));
    return `(data (i32.const ${TABLE + k * 16}) "${le(cp!)}${le(cl!)}${le(kp!)}${le(kl!)}")`;
  });
  return abiGuest(
    `
  (func (export "on_certificate") (result i32) (local $n i32) (local $i i32) (local $k i32) (local $e i32)
    (local.set $n (call $ngx_wasm_ssl_get_server_name (i32.const 0) (i32.const 64)))
    (if (i32.lt_s (local.get $n) (i32.const 2)) (then (return (i32.const 0))))
    (local.set $i (i32.const 1))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $k (i32.add (i32.mul (local.get $k) (i32.const 10)) (i32.sub (i32.load8_u (local.get $i)) (i32.const 48))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (if (i32.ge_u (local.get $k) (i32.const ${pairs.length})) (then (return (i32.const 1))))
    (local.set $e (i32.add (i32.const ${TABLE}) (i32.mul (local.get $k) (i32.const 16))))
    (call $ngx_wasm_ssl_set_certificate (i32.load (local.get $e)) (i32.load offset=4 (local.get $e))
                                        (i32.load offset=8 (local.get $e)) (i32.load offset=12 (local.get $e))))
  ${entries.join("\n  ")}
  ${p.segments()}`,
    { memoryPages: 4 },
  );
}

/** The module, and its AddressSanitizer build (zero reports expected). */
const VARIANTS = [
  { name: "module", asan: false },
  { name: "ASan module", asan: true },
];

for (const variant of VARIANTS) describe(`TLS hooks in nginx, real handshakes (${variant.name})`, () => {
  let ngx: Nginx;
  let dir: string;
  let pairs: Pair[];
  const port = (i: number): number => ngx.ports[i]!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ngxwasm-tls-"));
    const a = selfSigned(dir, "a.test");
    const b = selfSigned(dir, "b.test");
    const def = selfSigned(dir, "default.test");
    ngx = await Nginx.create("tls", { ports: 9, workers: 1, asan: variant.asan });
    const g = ngx.addFile("wasm/tls.wasm", await tlsGuest(a, b));
    pairs = Array.from({ length: 70 }, (_, k) => selfSigned(dir, `p${k}`));
    const many = ngx.addFile("wasm/many.wasm", await manyPairsGuest(pairs));
    const crt = ngx.addFile("default.crt", def.cert);
    const key = ngx.addFile("default.key", def.key);
    const server = (i: number, hooks: string): string => `
    server {
        listen ${ngx.listen(i)} ssl;
        ssl_certificate ${crt};
        ssl_certificate_key ${key};
        ${hooks}
        location / { return 200 "$ssl_server_name\\n"; }
    }`;
    await ngx.start(`
    ${server(0, `ssl_protocols TLSv1.2 TLSv1.3; ssl_client_hello_by_wasm ${g} on_client_hello; ssl_certificate_by_wasm ${g} on_certificate;`)}
    ${server(1, `ssl_certificate_by_wasm ${g} on_bad_pem;`)}
    ${server(2, `ssl_client_hello_by_wasm ${g} on_trap;`)}
    ${server(3, `ssl_certificate_by_wasm ${g} on_trap;`)}
    ${server(4, `ssl_certificate_by_wasm ${g} on_reject_cert;`)}
    server { listen ${ngx.listen(5)}; location / { return 200 "plain\\n"; } }
    ${server(7, `ssl_certificate_by_wasm ${many} on_certificate;`)}
    ${server(6, `wasm_time_limit 50ms; ssl_certificate_by_wasm ${g} on_spin;`)}
    ${server(8, `ssl_protocols TLSv1.3; ssl_ecdh_curve secp384r1:prime256v1; ssl_client_hello_by_wasm ${g} on_client_hello; ssl_certificate_by_wasm ${g} on_certificate;`)}`);
  });

  afterAll(async () => {
    await ngx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ssl_certificate_by_wasm chooses the certificate by SNI; no SNI gets the default", async () => {
    expect(await handshake(port(0), "a.test")).toMatchObject({ cn: "a.test" });
    expect(await handshake(port(0), "b.test")).toMatchObject({ cn: "b.test" });
    expect(await handshake(port(0))).toMatchObject({ cn: "default.test" });
  });

  it("curl --resolve with two SNI names gets two different certificates", () => {
    const run = (name: string): { body: string; subject: string } => {
      const r = execFileSync("sh", ["-c", `curl -skv --resolve ${name}:${port(0)}:127.0.0.1 https://${name}:${port(0)}/ 2>&1`], { encoding: "utf8" });
      return { body: r.split("\n").filter((l) => !/^[*<>{}]/.test(l) && l.trim() !== "").join("\n"), subject: /subject: (.*)/.exec(r)?.[1] ?? "" };
    };
    const a = run("a.test");
    const b = run("b.test");
    expect(a.subject).toBe("CN=a.test");
    expect(b.subject).toBe("CN=b.test");
    expect(a.body).toContain("a.test");
    expect(b.body).toContain("b.test");
  });

  it("the client hello guest reads the SNI and rejects a name with its alert (112)", async () => {
    const mark = ngx.logSize();
    const r = await handshake(port(0), "bad.test");
    expect(r.cn).toBeUndefined();
    expect(r.alert).toBe(112);
    const log = ngx.errorLogSince(mark);
    expect(log).toMatch(/\[wasm\] client hello, sni:/);
    expect(log).toMatch(/\[wasm\] bad\.test/);
    // the certificate phase never ran
    expect(log).not.toMatch(/\[wasm\] certificate, sni:/);
  });

  it("the certificate guest rejects an unknown name: OpenSSL's certificate callback fails with internal_error (80)", async () => {
    const r = await handshake(port(0), "unknown.test");
    expect(r.cn).toBeUndefined();
    expect(r.alert).toBe(80);
    expect((await handshake(port(4), "a.test")).alert).toBe(80);
  });

  it("an invalid PEM or a key that is not the certificate's is -2 for the guest; the default certificate stays", async () => {
    const mark = ngx.logSize();
    expect(await handshake(port(1), "a.test")).toMatchObject({ cn: "default.test" });
    const log = ngx.errorLogSince(mark);
    expect(log).toMatch(/\[wasm\] set_certificate: -2/);
    expect(log).toMatch(/\[wasm\] mismatched key: -2/);
  });

  it("a guest that traps fails the handshake with one error line, in either phase; the worker lives on", async () => {
    const pids = ngx.workerPids();
    for (const [i, phase] of [
      [2, "ssl_client_hello"],
      [3, "ssl_certificate"],
    ] as const) {
      const mark = ngx.logSize();
      const r = await handshake(port(i), "a.test");
      expect(r.cn).toBeUndefined();
      expect(r.alert).toBe(80);
      const errors = ngx
        .errorLogSince(mark)
        .split("\n")
        .filter((l) => / \[(error|crit|alert|emerg)\] /.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`wasm: guest ".*tls\\.wasm" export "on_trap" \\(phase ${phase}\\) trapped: unreachable`));
    }
    expect(await handshake(port(0), "a.test")).toMatchObject({ cn: "a.test" });
    expect(ngx.workerPids()).toEqual(pids);
  });

  it("a guest that runs past wasm_time_limit (server level) is stopped: the handshake fails, one error line", async () => {
    const pids = ngx.workerPids();
    for (let i = 0; i < 3; i++) {
      const mark = ngx.logSize();
      const r = await handshake(port(6), "a.test");
      expect(r.alert).toBe(80);
      const errors = ngx
        .errorLogSince(mark)
        .split("\n")
        .filter((l) => / \[(error|crit|alert|emerg)\] /.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/export "on_spin" \(phase ssl_certificate\) trapped: time limit exceeded/);
    }
    expect(await handshake(port(0), "b.test")).toMatchObject({ cn: "b.test" });
    expect(ngx.workerPids()).toEqual(pids);
  });

  it("many handshakes with two PEM pairs do not grow the worker (each pair is parsed once)", async () => {
    const [pid] = ngx.workerPids();
    const burst = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i += 10) {
        const rs = await Promise.all(Array.from({ length: 10 }, (_, k) => handshake(port(0), (i + k) % 2 ? "a.test" : "b.test")));
        for (const [k, r] of rs.entries()) expect(r.cn).toBe((i + k) % 2 ? "a.test" : "b.test");
      }
    };
    await burst(300);
    const before = ngx.rssKiB(pid!);
    await burst(2000);
    const after = ngx.rssKiB(pid!);
    // ASan's quarantine holds freed memory by design: no bound there
    if (!variant.asan) expect(after - before).toBeLessThan(1024);
  }, 120_000);

  it("more distinct pairs than the cache holds (70 > 64): each handshake still gets its own certificate, twice round", async () => {
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < pairs.length; k += 10) {
        const rs = await Promise.all(Array.from({ length: Math.min(10, pairs.length - k) }, (_, j) => handshake(port(7), `p${k + j}`)));
        rs.forEach((r, j) => expect(r).toMatchObject({ cn: `p${k + j}` }));
      }
    }
  }, 120_000);

  it("a resumed session (TLS 1.3 ticket, TLS 1.2) completes through the hooks", async () => {
    for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
      for (const name of ["a.test", "b.test"]) {
        const mark = ngx.logSize();
        const [full, resumed] = await resumption(port(0), name, version);
        expect(full).toMatchObject({ cn: name, protocol: version, reused: false });
        expect(resumed, `${version} ${name}`).toMatchObject({ protocol: version, reused: true });
        const log = ngx.errorLogSince(mark);
        // three handshakes (one that keeps its session, a full one, the resumed one): the
        // client hello hook runs for each; the certificate hook not for the resumed one,
        // which sends no certificate
        expect(log.match(/\[wasm\] client hello, sni:/g), log).toHaveLength(3);
        expect(log.match(/\[wasm\] certificate, sni:/g), log).toHaveLength(2);
        expect(log).not.toMatch(/ \[(error|crit|alert|emerg)\] /);
      }
    }
  });

  it("a HelloRetryRequest (the client's key share is not the server's curve): both hooks run for each ClientHello, the handshake completes", async () => {
    const mark = ngx.logSize();
    // Node sends a key share for its first group only (X25519), which the server does not take: it asks again
    const r = await handshake(port(8), "a.test", { ecdhCurve: "X25519:prime256v1" });
    expect(r).toMatchObject({ cn: "a.test", protocol: "TLSv1.3" });
    const log = ngx.errorLogSince(mark);
    // OpenSSL runs both callbacks for the first ClientHello too, before it asks again
    expect(log.match(/\[wasm\] client hello, sni:/g)).toHaveLength(2);
    expect(log.match(/\[wasm\] certificate, sni:/g)).toHaveLength(2);
    expect(log).not.toMatch(/ \[(error|crit|alert|emerg)\] /);
    expect(await handshake(port(8), "bad.test", { ecdhCurve: "X25519:prime256v1" })).toMatchObject({ alert: 112 });
  });

  it("AddressSanitizer reported nothing", () => {
    if (variant.asan) expect(ngx.asanReports()).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";
import { handshake, selfSigned } from "../support/tls.js";

// guests/sni-cert in the in-process host and through real handshakes on nginx.
describe("guests/sni-cert", () => {
  let wasm: string;
  beforeAll(async () => {
    wasm = await buildGuest("guests/sni-cert");
  });

  describe("in-process host", () => {
    let host: Host;
    let guest: Guest;
    beforeAll(async () => {
      host = new Host();
      guest = await host.load(wasm);
    });

    it("client hello: known names and no SNI go on, others are refused with unrecognized_name", async () => {
      for (const serverName of ["a.sni.test", "b.sni.test", undefined]) {
        const r = await host.run(guest, { phase: "ssl_client_hello", ssl: { serverName } });
        expect(r.ok).toBe(true);
        expect(r.sslRejectAlert).toBeUndefined();
      }
      const r = await host.run(guest, { phase: "ssl_client_hello", ssl: { serverName: "evil.test" } });
      expect(r.sslRejectAlert).toBe(112);
    });

    it("certificate: each known name gets its own certificate, no SNI none (the default)", async () => {
      const a = await host.run(guest, { phase: "ssl_certificate", ssl: { serverName: "a.sni.test" } });
      const b = await host.run(guest, { phase: "ssl_certificate", ssl: { serverName: "b.sni.test" } });
      expect(a.certificate?.cert).toContain("BEGIN CERTIFICATE");
      expect(b.certificate?.cert).not.toBe(a.certificate?.cert);
      expect((await host.run(guest, { phase: "ssl_certificate", ssl: {} })).certificate).toBeUndefined();
    });
  });

  describe("nginx", () => {
    let ngx: Nginx;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "sni-cert-"));
      const def = selfSigned(dir, "default.sni.test");
      ngx = await Nginx.create("sni-cert");
      const g = ngx.addGuest("sni-cert", wasm);
      const crt = ngx.addFile("default.crt", def.cert);
      const key = ngx.addFile("default.key", def.key);
      await ngx.start(`
    server {
        listen ${ngx.listen()} ssl;
        ssl_certificate ${crt};
        ssl_certificate_key ${key};
        ssl_client_hello_by_wasm ${g} on_client_hello;
        ssl_certificate_by_wasm ${g} on_certificate;
        location / { return 200 "TLS: $ssl_server_name\\n"; }
    }`);
    });
    afterAll(async () => {
      await ngx?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("two SNI names get two certificates; no SNI gets the default; an unknown name is refused (112)", async () => {
      expect(await handshake(ngx.port, "a.sni.test")).toMatchObject({ cn: "a.sni.test" });
      expect(await handshake(ngx.port, "b.sni.test")).toMatchObject({ cn: "b.sni.test" });
      expect(await handshake(ngx.port)).toMatchObject({ cn: "default.sni.test" });
      const evil = await handshake(ngx.port, "evil.test");
      expect(evil.cn).toBeUndefined();
      expect(evil.alert).toBe(112);
    });
  });
});

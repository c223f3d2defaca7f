// What `ngxwasm install` writes is served by real nginx with our module: the
// snippet is included inside a server block and `wasm/<name>.wasm` resolves
// against the prefix, as in the nginx/ tree. And what `--host nginx` refuses
// is exactly what the module refuses at nginx -t: both read the "nginx" entry
// of host-abi/hosts.json (the module through the generated ngx_wasm_hosts.h).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_BY_NAME } from "../../host-abi/hosts-table.js";
import { AREAS, HOST_FUNCTIONS } from "../../host-abi/tables.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";
import { abiImport, wat } from "../support/wat.js";
import { ensureCliBuilt, fixtureWasm, runCli, tempDir } from "./cli.js";

let ngx: Nginx;

beforeAll(async () => {
  await ensureCliBuilt();
  ngx = await Nginx.create("cli-install");
});

afterAll(async () => {
  await ngx?.stop();
});

describe("ngxwasm install → nginx", () => {
  it("serves the installed guest at its location with the extra directives", async () => {
    const wasm = await buildGuest("test/fixtures/guests/ok");
    const r = await runCli(["install", wasm, "--tree", ngx.prefix, "--name", "hi", "--directive", "add_header X-Installed yes always"]);
    expect(r.code).toBe(0);
    await ngx.start(`server { listen ${ngx.listen()}; include conf.d/*.conf; }`);
    const res = await ngx.get("/hi");
    expect(res.status).toBe(200);
    expect(res.text).toBe("ok from the cli fixture\n");
    expect(res.headers["x-installed"]).toBe("yes");
    expect((await ngx.get("/elsewhere")).status).toBe(404);
  });
});

describe("--host nginx and the module agree (hosts.json)", () => {
  let probe: Nginx;

  beforeAll(async () => {
    probe = await Nginx.create("cli-hosts");
  });

  /** nginx -t with one location running `wasm/<name>.wasm`'s on_content (and the zone a shm_* guest needs). */
  async function nginxAccepts(name: string, wasmPath: string): Promise<{ ok: boolean; output: string }> {
    probe.addGuest(name, wasmPath);
    probe.configure(`wasm_shm_zone cli 1m;\nserver { listen ${probe.listen()}; location / { content_by_wasm wasm/${name}.wasm on_content; } }`);
    return probe.test();
  }

  it("for every ABI area: a guest importing one of its functions passes validate --host nginx and nginx -t exactly when hosts.json's nginx entry lists the area", async () => {
    const nginx = HOST_BY_NAME.get("nginx")!;
    const seen: string[] = [];
    for (const area of Object.keys(AREAS)) {
      const fn = HOST_FUNCTIONS.find((f) => f.area === area)!;
      const bytes = await wat(`(module
  ${abiImport(fn.name)}
  (memory (export "memory") 1)
  (func (export "on_content") (result i32) (i32.const 0)))`);
      const path = join(tempDir(), `area-${area}.wasm`);
      writeFileSync(path, bytes);
      const implemented = nginx.areas.includes(area);

      const cli = await runCli(["validate", path, "--host", "nginx"]);
      expect(cli.code, `validate --host nginx, area ${area}: ${cli.stderr}`).toBe(implemented ? 0 : 1);
      if (!implemented) expect(cli.stderr).toContain(`import "env.${fn.name}" (area ${area}) is not implemented by the nginx host yet`);

      const t = await nginxAccepts(`area-${area.replace(/_/g, "-")}`, path);
      expect(t.ok, `nginx -t, area ${area} (${fn.name}):\n${t.output}`).toBe(implemented);
      if (!implemented) expect(t.output).toContain(`imports env.${fn.name} (area "${area}"`);
      seen.push(`${area}:${implemented}`);
    }
    // Every area was tried (since the TLS hooks, the nginx host implements them all).
    expect(seen).toHaveLength(Object.keys(AREAS).length);
  });

  it("a guest install accepts is one nginx -t accepts (ssl-import, ok)", async () => {
    const tls = await fixtureWasm("ssl-import");
    expect((await runCli(["install", tls, "--tree", join(tempDir(), "tls-tree")])).code).toBe(0);
    const t = await nginxAccepts("ssl-import", tls);
    expect(t.ok, t.output).toBe(true);

    const accepted = await fixtureWasm("ok");
    expect((await runCli(["install", accepted, "--tree", join(tempDir(), "accepted-tree")])).code).toBe(0);
    const ok = await nginxAccepts("ok", accepted);
    expect(ok.ok, ok.output).toBe(true);
  });
});

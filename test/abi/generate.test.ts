// The ABI source of truth and everything generated from it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAbi, projectRoot, renderAll, staleFiles } from "../../host-abi/generate.js";
import { loadHosts, renderHostFiles } from "../../host-abi/hosts.js";
import { HOSTS } from "../../host-abi/hosts-table.js";
import { HOST_FUNCTIONS } from "../../host-abi/tables.js";
import { CONTRACT_FUNCTIONS } from "./contract.js";

const root = projectRoot();
const abi = loadAbi(root);
const header = join(root, "host-abi", "ngx_wasm_guest_abi.h");

/** The contract's functions and parameters (test/abi/contract.ts). */
function contractFunctions(): ReadonlyMap<string, readonly string[]> {
  return CONTRACT_FUNCTIONS;
}

/** `int32_t ngx_wasm_log(int32_t level, int32_t ptr, int32_t len);` prototypes of the header. */
function headerPrototypes(): Map<string, string[]> {
  const protos = new Map<string, string[]>();
  const re = /NGX_WASM_IMPORT\((\w+)\) int32_t (\w+)\(([^)]*)\);/g;
  for (const m of readFileSync(header, "utf8").matchAll(re)) {
    expect(m[1]).toBe(m[2]);
    const params = m[3] === "void" ? [] : m[3]!.split(",").map((p) => p.trim().replace(/^int32_t /, ""));
    protos.set(m[2]!, params);
  }
  return protos;
}

describe("host-abi", () => {
  it("generated files are up to date with abi.json", () => {
    expect(staleFiles(root)).toEqual([]);
  });

  it("staleness is detected", () => {
    const changed = structuredClone(abi);
    changed.functions[0]!.doc = "changed";
    const fresh = renderAll(abi);
    const stale = renderAll(changed);
    const differing = Object.keys(fresh).filter((k) => fresh[k] !== stale[k]);
    // every file but those of hosts.json, which name no function
    const hostFiles = Object.keys(renderHostFiles(abi, loadHosts(abi, root)));
    expect(differing.sort()).toEqual(Object.keys(fresh).filter((k) => !hostFiles.includes(k)).sort());
  });

  it("renderAll includes the files of hosts.json, and a change there changes each of them", () => {
    const hosts = loadHosts(abi, root);
    const fresh = renderHostFiles(abi, hosts);
    expect(Object.keys(fresh).sort()).toEqual(["host-abi/hosts-table.ts", "host-abi/hosts.md", "host-abi/ngx_wasm_hosts.h"]);
    for (const path of Object.keys(fresh)) expect(renderAll(abi)[path]).toBe(fresh[path]);
    const changed = structuredClone(hosts);
    const nginx = changed.hosts.find((h) => h.name === "nginx")!;
    nginx.areas = nginx.areas.filter((a) => a !== "log");
    const stale = renderHostFiles(abi, changed);
    for (const path of Object.keys(fresh)) expect(stale[path], path).not.toBe(fresh[path]);
  });

  it("defines the 38 functions of the ABI contract with the same parameters", () => {
    const contract = contractFunctions();
    expect(contract.size).toBe(38);
    expect(abi.functions.map((f) => f.name).sort()).toEqual([...contract.keys()].sort());
    for (const f of abi.functions) expect(f.params, f.name).toEqual(contract.get(f.name));
  });

  it("the C header lists the same 38 functions as the ABI contract with the same signatures", () => {
    const contract = contractFunctions();
    const protos = headerPrototypes();
    expect(protos.size).toBe(38);
    expect([...protos.keys()].sort()).toEqual([...contract.keys()].sort());
    for (const [name, params] of protos) expect(params, name).toEqual(contract.get(name));
    const table = readFileSync(header, "utf8").match(/^ {4}X\(ngx_wasm_\w+, \d+,/gm) ?? [];
    expect(table).toHaveLength(38);
  });

  it("the C header compiles with gcc, for hosts and for guests", () => {
    for (const host of [[], ["-DNGX_WASM_HOST"]]) {
      execFileSync("gcc", ["-fsyntax-only", "-Wall", "-Wextra", "-Werror", ...host, "-x", "c", header]);
    }
  });

  it("the C header compiles with clang --target=wasm32 and yields env imports", () => {
    const src = `#include "${header}"\nint32_t on_content(void) { return ngx_wasm_log(NGX_WASM_LOG_INFO, 0, 0); }\n`;
    const asm = execFileSync("clang", ["--target=wasm32", "-Wall", "-Werror", "-S", "-o", "-", "-x", "c", "-"], {
      input: src,
    }).toString();
    expect(asm).toMatch(/\.import_module\s+ngx_wasm_log,\s*env/);
    expect(asm).toMatch(/\.import_name\s+ngx_wasm_log,\s*ngx_wasm_log/);
  });

  it("every phase rule names a known phase, and each phase is served by some function", () => {
    const phases = new Set(abi.phases.map((p) => p.name));
    for (const f of HOST_FUNCTIONS) for (const p of f.phases) expect(phases.has(p), `${f.name}: ${p}`).toBe(true);
    for (const p of phases) expect(HOST_FUNCTIONS.some((f) => f.phases.includes(p as never)), p).toBe(true);
  });

  it("hosts.json: nginx (default), ngx_wasm (no access) and ts (everything)", () => {
    const hosts = loadHosts(abi, root);
    expect(hosts.default).toBe("nginx");
    const by = Object.fromEntries(hosts.hosts.map((h) => [h.name, h]));
    expect(Object.keys(by)).toEqual(["nginx", "ngx_wasm", "ts"]);
    expect(by.nginx!.areas).toEqual(["log", "response", "body_filter", "request", "variables", "time", "shared_dict", "metrics", "subrequest", "yield", "balancer", "ssl"]);
    expect(by.ngx_wasm!.areas).toEqual(Object.keys(abi.areas));
    expect(by.ngx_wasm!.phases).toEqual(abi.phases.map((p) => p.name).filter((p) => p !== "access"));
    expect(by.ts!.areas).toEqual(Object.keys(abi.areas));
    expect(by.ts!.phases).toEqual(abi.phases.map((p) => p.name));
    expect(HOSTS.map((h) => h.name)).toEqual(["nginx", "ngx_wasm", "ts"]);
  });

  it("the nginx host's directives in hosts.json are the module's directive table, with the same contexts", () => {
    const source = readFileSync(join(root, "nginx", "module", "ngx_http_wasm_module.c"), "utf8");
    const macros: Record<string, string> = { NGX_HTTP_WASM_HANDLER_CONF: "NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF" };
    const contextOf: Record<string, string> = { NGX_HTTP_MAIN_CONF: "http", NGX_HTTP_SRV_CONF: "server", NGX_HTTP_LOC_CONF: "location", NGX_HTTP_UPS_CONF: "upstream" };
    const module = new Map<string, string[]>();
    for (const m of source.matchAll(/\{ ngx_string\("(\w+)"\),\s*([A-Z0-9_|]+),/g)) {
      const flags = m[2]!.split("|").flatMap((f) => (macros[f] ?? f).split("|"));
      module.set(m[1]!, flags.map((f) => contextOf[f]).filter((c): c is string => c !== undefined));
    }
    expect(module.size).toBeGreaterThan(5);
    const nginx = loadHosts(abi, root).hosts.find((h) => h.name === "nginx")!;
    const data = new Map<string, string[]>([
      ...nginx.phases.map((name): [string, string[]] => {
        const p = abi.phases.find((q) => q.name === name)!;
        return [p.directive, p.contexts];
      }),
      ...(nginx.directives ?? []).map((d): [string, string[]] => [d.name, d.contexts ?? []]),
    ]);
    expect(Object.fromEntries(module)).toEqual(Object.fromEntries(data));
  });

  it("ngx_wasm_hosts.h compiles, its masks are hosts.json's bits, and the module uses the nginx ones", () => {
    const hostsHeader = join(root, "host-abi", "ngx_wasm_hosts.h");
    const bit = (list: string[], all: string[]) => list.reduce((m, x) => m | (1 << all.indexOf(x)), 0) >>> 0;
    const areas = Object.keys(abi.areas);
    const phases = abi.phases.map((p) => p.name);
    const hosts = loadHosts(abi, root).hosts;
    const macro = (h: string) => `NGX_WASM_HOST_${h.toUpperCase()}`;
    const src = [`#include "${hostsHeader}"`, "#include <stdio.h>", "int main(void) {",
      ...hosts.map((h) => `    printf("${h.name} %u %u\\n", (unsigned) ${macro(h.name)}_AREAS, (unsigned) ${macro(h.name)}_PHASES);`),
      "    return 0;", "}", ""].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "ngxwasm-hosts-"));
    execFileSync("gcc", ["-Wall", "-Wextra", "-Werror", "-DNGX_WASM_HOST", "-x", "c", "-o", join(dir, "masks"), "-"], { input: src });
    const printed = execFileSync(join(dir, "masks")).toString().trim().split("\n");
    expect(printed).toEqual(hosts.map((h) => `${h.name} ${bit(h.areas, areas)} ${bit(h.phases, phases)}`));
    rmSync(dir, { recursive: true, force: true });
    const moduleHeader = readFileSync(join(root, "nginx", "module", "ngx_http_wasm_module.h"), "utf8");
    expect(moduleHeader).toMatch(/#include <ngx_wasm_hosts\.h>/);
    expect(moduleHeader).toMatch(/^#define NGX_HTTP_WASM_AREAS_IMPLEMENTED +NGX_WASM_HOST_NGINX_AREAS$/m);
    expect(moduleHeader).toMatch(/^#define NGX_HTTP_WASM_PHASES_IMPLEMENTED +NGX_WASM_HOST_NGINX_PHASES$/m);
  });

  it("phase rules follow the contract for a sample of functions", () => {
    const allowed = (name: string) => HOST_FUNCTIONS.find((f) => f.name === name)!.phases;
    expect(allowed("ngx_wasm_resp_write")).toEqual(["server_rewrite", "rewrite", "access", "content"]);
    expect(allowed("ngx_wasm_resp_get_body_chunk")).toEqual(["body_filter"]);
    expect(allowed("ngx_wasm_ssl_set_certificate")).toEqual(["ssl_certificate"]);
    expect(allowed("ngx_wasm_yield")).not.toContain("balancer");
    expect(allowed("ngx_wasm_log")).toHaveLength(10);
  });
});

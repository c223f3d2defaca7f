// The ABI source of truth and everything generated from it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAbi, projectRoot, renderAll, staleFiles } from "../../host-abi/generate.js";
import { HOST_FUNCTIONS } from "../../host-abi/tables.js";

const root = projectRoot();
const abi = loadAbi(root);
const header = join(root, "host-abi", "ngx_wasm_guest_abi.h");

/** `| `ngx_wasm_log` | level, ptr, len | 0 |` rows of the contract's function table. */
function contractFunctions(): Map<string, string[]> {
  const path = join(root, "..", "shared", "ABI.md");
  if (!existsSync(path)) throw new Error(`the ABI contract is expected beside the repository at ${path}`);
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\| `(ngx_wasm_\w+)` \| ([^|]*) \|/.exec(line);
    if (!m) continue;
    const params = m[2]!.trim() === "—" ? [] : m[2]!.split(",").map((p) => p.trim());
    rows.set(m[1]!, params);
  }
  return rows;
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
    expect(differing.sort()).toEqual(Object.keys(fresh).sort());
  });

  it("defines the 38 functions of ABI.md with the same parameters", () => {
    const contract = contractFunctions();
    expect(contract.size).toBe(38);
    expect(abi.functions.map((f) => f.name).sort()).toEqual([...contract.keys()].sort());
    for (const f of abi.functions) expect(f.params, f.name).toEqual(contract.get(f.name));
  });

  it("the C header lists the same 38 functions as ABI.md with the same signatures", () => {
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

  it("phase rules follow the contract for a sample of functions", () => {
    const allowed = (name: string) => HOST_FUNCTIONS.find((f) => f.name === name)!.phases;
    expect(allowed("ngx_wasm_resp_write")).toEqual(["server_rewrite", "rewrite", "access", "content"]);
    expect(allowed("ngx_wasm_resp_get_body_chunk")).toEqual(["body_filter"]);
    expect(allowed("ngx_wasm_ssl_set_certificate")).toEqual(["ssl_certificate"]);
    expect(allowed("ngx_wasm_yield")).not.toContain("balancer");
    expect(allowed("ngx_wasm_log")).toHaveLength(10);
  });
});

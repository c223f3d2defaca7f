// Generates every ABI table of the project from host-abi/abi.json, the single
// source of truth. Run `make gen` after editing abi.json; `--check` (used by
// the test suite and CI) fails when a committed generated file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { renderCPrototypes, renderCWrappers, renderTsImports } from "./host-layer.js";
import { loadHosts, renderHostFiles } from "./hosts.js";

export interface AbiFunction {
  name: string;
  area: string;
  /** the SDK calls that reach it, as a guest author writes them */
  sdk: string;
  /** the host reads the request body before a guest importing this runs */
  readsRequestBody?: boolean;
  params: string[];
  result: Record<string, string>;
  phases: string[];
  doc: string;
}

export interface AbiPhase {
  name: string;
  directive: string;
  contexts: string[];
  export: string;
  yield: boolean;
  doc: string;
}

export interface AbiConstant {
  name: string;
  value: number;
  doc?: string;
}

/** What a header name and value set by a guest may contain (see abi.json "headers.doc"). */
export interface AbiHeaderRules {
  doc: string;
  /** every byte allowed in a header name (an HTTP token); a name is at least one byte */
  nameChars: string;
  /** bytes a header value must not contain */
  valueForbiddenBytes: number[];
  /** the host functions that apply these rules (an invalid name or value → ERROR) */
  setters: string[];
}

/** A WebAssembly feature the nginx host's compiler (wasm2c 1.0.32) cannot compile. */
export interface AbiFeature {
  /** wabt.js's feature name */
  name: string;
  doc: string;
  /** words in wabt 1.0.32's wasm-validate output that mean the module uses it */
  wasmValidateWords: string[];
}

export interface Abi {
  abiVersion: number;
  importModule: string;
  memoryExport: string;
  valueType: string;
  handler: { params: string[]; result: string; doc: string };
  constants: Record<string, AbiConstant[]>;
  headers: AbiHeaderRules;
  unsupportedFeatures: AbiFeature[];
  areas: Record<string, string>;
  phases: AbiPhase[];
  functions: AbiFunction[];
}

/** The repository root: the nearest parent directory holding package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the project root (package.json)");
    dir = up;
  }
  return dir;
}

export function loadAbi(root = projectRoot()): Abi {
  const abi = JSON.parse(readFileSync(join(root, "host-abi", "abi.json"), "utf8")) as Abi;
  const phases = new Set(abi.phases.map((p) => p.name));
  for (const f of abi.functions) {
    if (!(f.area in abi.areas)) throw new Error(`abi.json: ${f.name} has area "${f.area}", which is not in "areas"`);
    for (const p of f.phases) {
      if (!phases.has(p)) throw new Error(`abi.json: ${f.name} lists phase "${p}", which is not in "phases"`);
    }
  }
  const names = new Set(abi.functions.map((f) => f.name));
  for (const s of abi.headers.setters) {
    if (!names.has(s)) throw new Error(`abi.json: headers.setters lists "${s}", which is not a function`);
  }
  return abi;
}

const BANNER = "GENERATED from host-abi/abi.json by host-abi/generate.ts. Do not edit; run `make gen`.";

// Constant groups → prefixes used in C and AssemblyScript names.
const C_PREFIX: Record<string, string> = {
  status: "NGX_WASM_",
  logLevel: "NGX_WASM_LOG_",
  subrequestOption: "NGX_WASM_SUBREQ_",
  method: "NGX_WASM_METHOD_",
  limit: "NGX_WASM_",
};

const TS_GROUP: Record<string, string> = {
  status: "Status",
  logLevel: "LogLevel",
  subrequestOption: "SubrequestOption",
  method: "Method",
  limit: "Limit",
};

function phaseMacro(phase: string): string {
  return "NGX_WASM_PHASE_" + phase.toUpperCase();
}

function areaMacro(area: string): string {
  return "NGX_WASM_AREA_" + area.toUpperCase();
}

function resultSummary(f: AbiFunction): string {
  return Object.keys(f.result).join(" / ");
}

// ---------------------------------------------------------------- C header

export function renderHeader(abi: Abi): string {
  const out: string[] = [];
  out.push(`/* ${BANNER} */`, "");
  out.push("/*", " * ngx_wasm guest ABI, version " + abi.abiVersion + ".", " *",
    " * Guests: include this header and compile with clang --target=wasm32; every",
    " * function below is imported from module \"" + abi.importModule + "\".",
    " * Hosts: define NGX_WASM_HOST before including it to get only the",
    " * constants, the phase bits and the NGX_WASM_FUNCTIONS(X) table.", " */", "");
  out.push("#ifndef NGX_WASM_GUEST_ABI_H", "#define NGX_WASM_GUEST_ABI_H", "", "#include <stdint.h>", "");
  out.push(`#define NGX_WASM_ABI_VERSION ${abi.abiVersion}`, "");
  for (const [group, consts] of Object.entries(abi.constants)) {
    out.push(`/* ${group} */`);
    for (const c of consts) {
      const doc = c.doc ? `  /* ${c.doc} */` : "";
      out.push(`#define ${C_PREFIX[group] ?? "NGX_WASM_"}${c.name} (${c.value})${doc}`);
    }
    out.push("");
  }
  out.push("/* phases: one bit each */");
  abi.phases.forEach((p, i) => out.push(`#define ${phaseMacro(p.name)} (1u << ${i})  /* ${p.directive}: ${p.doc} */`));
  out.push(`#define NGX_WASM_PHASE_COUNT ${abi.phases.length}`, "");
  out.push("/* X(NAME_BIT, \"name\", \"directive\", \"conventional export\", may_yield) */");
  out.push("#define NGX_WASM_PHASES(X) \\");
  abi.phases.forEach((p, i) => {
    const end = i === abi.phases.length - 1 ? "" : " \\";
    out.push(`    X(${phaseMacro(p.name)}, "${p.name}", "${p.directive}", "${p.export}", ${p.yield ? 1 : 0})${end}`);
  });
  out.push("");
  const areas = Object.entries(abi.areas);
  out.push("/* ABI areas: one bit each, so a host can say which it implements */");
  areas.forEach(([name, doc], i) => out.push(`#define ${areaMacro(name)} (1u << ${i})  /* ${doc} */`));
  out.push("", "/* X(AREA_BIT, \"name\", \"what it covers\") */", "#define NGX_WASM_AREAS(X) \\");
  areas.forEach(([name, doc], i) => {
    const end = i === areas.length - 1 ? "" : " \\";
    out.push(`    X(${areaMacro(name)}, "${name}", "${doc}")${end}`);
  });
  out.push("");
  out.push("/* X(name, number of i32 params, allowed phase bits, area bit, reads the request body); every param and the result are i32 */");
  out.push("#define NGX_WASM_FUNCTIONS(X) \\");
  abi.functions.forEach((f, i) => {
    const end = i === abi.functions.length - 1 ? "" : " \\";
    const mask = f.phases.map(phaseMacro).join(" | ");
    out.push(`    X(${f.name}, ${f.params.length}, ${mask}, ${areaMacro(f.area)}, ${f.readsRequestBody ? 1 : 0})${end}`);
  });
  out.push(`#define NGX_WASM_FUNCTION_COUNT ${abi.functions.length}`, "");
  out.push(`#define NGX_WASM_IMPORT_MODULE "${abi.importModule}"`, `#define NGX_WASM_MEMORY_EXPORT "${abi.memoryExport}"`, "");
  out.push(...renderHeaderRulesC(abi.headers));
  out.push(...renderFeaturesC(abi.unsupportedFeatures));
  out.push("#ifndef NGX_WASM_HOST", "", "#if defined(__wasm__)",
    `#define NGX_WASM_IMPORT(name) __attribute__((import_module("${abi.importModule}"), import_name(#name)))`,
    "#else", "#define NGX_WASM_IMPORT(name)", "#endif", "");
  for (const f of abi.functions) {
    out.push(`/* ${f.doc} Returns ${resultSummary(f)}. */`);
    const params = f.params.length ? f.params.map((p) => `int32_t ${p}`).join(", ") : "void";
    out.push(`NGX_WASM_IMPORT(${f.name}) int32_t ${f.name}(${params});`);
  }
  out.push("", "#endif /* NGX_WASM_HOST */", "", "#endif /* NGX_WASM_GUEST_ABI_H */", "");
  return out.join("\n");
}

/** 256 bits, one per byte value: is it in `chars`? As eight 32-bit words. */
function byteSetWords(chars: string): number[] {
  const words = new Array<number>(8).fill(0);
  for (const c of Buffer.from(chars, "latin1")) words[c >> 5]! |= 1 << (c & 31);
  return words.map((w) => w >>> 0);
}

/** The header rules as two inline C checks, for hosts only. */
function renderHeaderRulesC(rules: AbiHeaderRules): string[] {
  const words = byteSetWords(rules.nameChars).map((w) => "0x" + w.toString(16).padStart(8, "0") + "u");
  const cases = rules.valueForbiddenBytes.map((b) => `case ${b}:`).join(" ");
  return [
    "#ifdef NGX_WASM_HOST",
    "",
    "#include <stddef.h>",
    "",
    `/* header rules (abi.json "headers"), applied by ${rules.setters.join(", ")}:`,
    " * an invalid name or value changes nothing and the call returns NGX_WASM_ERROR */",
    "",
    "/* a name is one or more HTTP token characters */",
    "static inline int",
    "ngx_wasm_header_name_valid(const unsigned char *p, size_t len)",
    "{",
    `    static const uint32_t  token[8] = { ${words.slice(0, 4).join(", ")},`,
    `                                        ${words.slice(4).join(", ")} };`,
    "    size_t                 i;",
    "",
    "    for (i = 0; i < len; i++) {",
    "        if (!(token[p[i] >> 5] & (1u << (p[i] & 31)))) {",
    "            return 0;",
    "        }",
    "    }",
    "",
    "    return len > 0;",
    "}",
    "",
    `/* a value holds none of the bytes ${rules.valueForbiddenBytes.join(", ")} */`,
    "static inline int",
    "ngx_wasm_header_value_valid(const unsigned char *p, size_t len)",
    "{",
    "    size_t  i;",
    "",
    "    for (i = 0; i < len; i++) {",
    "        switch (p[i]) {",
    `        ${cases}`,
    "            return 0;",
    "        }",
    "    }",
    "",
    "    return 1;",
    "}",
    "",
    "#endif /* NGX_WASM_HOST */",
    "",
  ];
}

/** The features the nginx host cannot compile, as a table for hosts. */
function renderFeaturesC(features: AbiFeature[]): string[] {
  const most = Math.max(...features.map((f) => f.wasmValidateWords.length)) + 1;
  return [
    "#ifdef NGX_WASM_HOST", "",
    "/* WebAssembly features the nginx host's compiler (wasm2c) cannot compile,",
    " * and the words by which wabt's wasm-validate reports their use */",
    "typedef struct {",
    "    const char  *doc;",
    `    const char  *words[${most}];`,
    "} ngx_wasm_feature_t;", "",
    "static const ngx_wasm_feature_t  ngx_wasm_unsupported_features[] = {",
    ...features.map((f) => `    { ${JSON.stringify(f.doc)}, { ${[...f.wasmValidateWords.map((w) => JSON.stringify(w)), "NULL"].join(", ")} } },`),
    "    { NULL, { NULL } }",
    "};", "",
    "#endif /* NGX_WASM_HOST */", "",
  ];
}

// ------------------------------------------- AssemblyScript raw bindings

export function renderSdkRaw(abi: Abi): string {
  const out: string[] = [`// ${BANNER}`, "//", "// Raw host imports of the ngx_wasm ABI v" + abi.abiVersion +
    ". Prefer the typed API in the other sdk/ files.", ""];
  out.push(`export const ABI_VERSION: i32 = ${abi.abiVersion};`, "");
  for (const [group, consts] of Object.entries(abi.constants)) {
    out.push(`/** ${group} constants */`);
    out.push(`export namespace ${TS_GROUP[group]} {`);
    for (const c of consts) {
      if (c.doc) out.push(`  /** ${c.doc} */`);
      out.push(`  export const ${c.name}: i32 = ${c.value};`);
    }
    out.push("}", "");
  }
  for (const f of abi.functions) {
    out.push(`/** ${f.doc} Returns ${resultSummary(f)}. Phases: ${f.phases.join(", ")}. SDK: ${f.sdk}. */`);
    out.push(`@external("${abi.importModule}", "${f.name}")`);
    out.push(`export declare function ${f.name}(${f.params.map((p) => `${p}: i32`).join(", ")}): i32;`, "");
  }
  return out.join("\n");
}

// ------------------------------------------------------ TypeScript tables

function tsLiteral(value: unknown): string {
  return JSON.stringify(value);
}

export function renderTables(abi: Abi): string {
  const out: string[] = [`// ${BANNER}`, "//",
    "// The ABI tables used by the validator (cli/) and the in-process host (host/).", ""];
  out.push(`export const ABI_VERSION = ${abi.abiVersion};`);
  out.push(`export const IMPORT_MODULE = ${tsLiteral(abi.importModule)};`);
  out.push(`export const MEMORY_EXPORT = ${tsLiteral(abi.memoryExport)};`);
  out.push(`/** ${abi.handler.doc} */`);
  out.push(`export const HANDLER_SIGNATURE = { params: [] as const, result: ${tsLiteral(abi.handler.result)} } as const;`, "");
  for (const [group, consts] of Object.entries(abi.constants)) {
    out.push(`export const ${TS_GROUP[group]} = {`);
    for (const c of consts) out.push(`  ${c.name}: ${c.value},`);
    out.push("} as const;", "");
  }
  out.push(`export const PHASE_NAMES = ${tsLiteral(abi.phases.map((p) => p.name))} as const;`);
  out.push("export type Phase = (typeof PHASE_NAMES)[number];", "");
  out.push("export interface PhaseInfo {", "  name: Phase;", "  directive: string;", "  contexts: readonly string[];",
    "  /** conventional export name */", "  export: string;", "  /** may the guest yield or launch subrequests */",
    "  yield: boolean;", "  doc: string;", "}", "");
  out.push("export const PHASES: readonly PhaseInfo[] = [");
  for (const p of abi.phases) out.push(`  ${tsLiteral(p)},`);
  out.push("];", "");
  out.push(`export const AREAS: Readonly<Record<string, string>> = ${tsLiteral(abi.areas)};`, "");
  out.push("/** WebAssembly features the nginx host's compiler (wasm2c 1.0.32) cannot compile, by wabt.js name. */");
  out.push(`export const UNSUPPORTED_FEATURES = ${tsLiteral(Object.fromEntries(abi.unsupportedFeatures.map((f) => [f.name, f.doc])))} as const;`, "");
  out.push(`/** ${abi.headers.doc} */`);
  out.push(`export const HEADER_RULES = ${tsLiteral(abi.headers)} as const;`, "");
  out.push("const HEADER_NAME_BYTES = new Set(Buffer.from(HEADER_RULES.nameChars, \"latin1\"));",
    "const HEADER_VALUE_FORBIDDEN: ReadonlySet<number> = new Set(HEADER_RULES.valueForbiddenBytes);", "");
  out.push("/** A header name is one or more HTTP token bytes. */",
    "export function isHeaderName(bytes: Uint8Array): boolean {",
    "  return bytes.length > 0 && bytes.every((b) => HEADER_NAME_BYTES.has(b));", "}", "");
  out.push(`/** A header value holds none of the bytes ${abi.headers.valueForbiddenBytes.join(", ")}. */`,
    "export function isHeaderValue(bytes: Uint8Array): boolean {",
    "  return !bytes.some((b) => HEADER_VALUE_FORBIDDEN.has(b));", "}", "");
  out.push(`export const FUNCTION_NAMES = ${tsLiteral(abi.functions.map((f) => f.name))} as const;`);
  out.push("export type HostFunctionName = (typeof FUNCTION_NAMES)[number];", "");
  out.push("export interface HostFunctionInfo {", "  name: HostFunctionName;", "  area: string;",
    "  /** the SDK calls that reach it, as a guest author writes them */", "  sdk: string;",
    "  /** the host reads the request body before a guest importing this runs */", "  readsRequestBody?: boolean;",
    "  /** parameter names; every parameter and the result are i32 */", "  params: readonly string[];",
    "  /** return value → meaning */", "  result: Readonly<Record<string, string>>;", "  phases: readonly Phase[];",
    "  doc: string;", "}", "");
  out.push("export const HOST_FUNCTIONS: readonly HostFunctionInfo[] = [");
  for (const f of abi.functions) out.push(`  ${tsLiteral(f)},`);
  out.push("];", "");
  out.push("export const HOST_FUNCTION_BY_NAME: ReadonlyMap<string, HostFunctionInfo> = new Map(",
    "  HOST_FUNCTIONS.map((f) => [f.name, f]),", ");", "");
  return out.join("\n");
}

// ------------------------------------------------------ reference tables

export function renderMarkdown(abi: Abi): string {
  const out: string[] = [`<!-- ${BANNER} -->`, "", `# ngx_wasm guest ABI v${abi.abiVersion} — reference`, "",
    "This page is generated from `host-abi/abi.json`. The prose contract is in",
    "[`../README.md`](../README.md#the-abi) and the original statement in the project's",
    "shared `ABI.md`.", "",
    "## Shape of a guest", "",
    `- A core WebAssembly module exporting a linear memory named \`${abi.memoryExport}\`.`,
    `- Handlers: exports of type \`() -> ${abi.handler.result}\`. ${abi.handler.doc}`,
    `- Imports: only the functions below, from module \`${abi.importModule}\`, with exactly these types; every parameter and result is \`${abi.valueType}\`.`,
    "", "## Header names and values", "",
    abi.headers.doc, "",
    `- Name bytes: \`${abi.headers.nameChars}\` (one or more).`,
    `- Value bytes refused: ${abi.headers.valueForbiddenBytes.map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ")}.`,
    `- Applied by: ${abi.headers.setters.map((s) => `\`${s}\``).join(", ")}.`,
    "", "## Constants", ""];
  for (const [group, consts] of Object.entries(abi.constants)) {
    out.push(`### ${group}`, "", "| name | value | meaning |", "|---|---|---|");
    for (const c of consts) out.push(`| \`${c.name}\` | ${c.value} | ${c.doc ?? ""} |`);
    out.push("");
  }
  out.push("## Phases", "", "| phase | directive | contexts | conventional export | yield/subrequest | purpose |",
    "|---|---|---|---|---|---|");
  for (const p of abi.phases) {
    out.push(`| \`${p.name}\` | \`${p.directive}\` | ${p.contexts.join(", ")} | \`${p.export}\` | ${p.yield ? "yes" : "no"} | ${p.doc} |`);
  }
  out.push("", "## Host functions", "", "| function | params | result | area | phases | what it does | in the SDK |", "|---|---|---|---|---|---|---|");
  for (const f of abi.functions) {
    const params = f.params.length ? f.params.join(", ") : "—";
    const result = Object.entries(f.result).map(([k, v]) => `\`${k}\` ${v}`).join("; ");
    out.push(`| \`${f.name}\` | ${params} | ${result} | ${f.area} | ${f.phases.join(", ")} | ${f.doc} | ${f.sdk} |`);
  }
  out.push("", "## Calls allowed per phase", "", "A call outside its phases traps.", "");
  for (const p of abi.phases) {
    const names = abi.functions.filter((f) => f.phases.includes(p.name)).map((f) => `\`${f.name.replace(/^ngx_wasm_/, "")}\``);
    out.push(`- **${p.name}**: ${names.join(", ")}`);
  }
  out.push("");
  return out.join("\n");
}

// ----------------------------------------------------------------- driver

/** Every generated file, by path relative to the project root. */
export function renderAll(abi: Abi): Record<string, string> {
  return {
    "host-abi/ngx_wasm_guest_abi.h": renderHeader(abi),
    "host-abi/abi.md": renderMarkdown(abi),
    "host-abi/tables.ts": renderTables(abi),
    "host/imports.ts": renderTsImports(abi),
    "nginx/module/ngx_http_wasm_host_functions.h": renderCPrototypes(abi),
    "nginx/module/ngx_http_wasm_host_functions.c": renderCWrappers(abi),
    "sdk/raw.ts": renderSdkRaw(abi),
    ...renderHostFiles(abi, loadHosts(abi, projectRoot())),
  };
}

/** Paths (relative) whose content on disk differs from what abi.json generates. */
export function staleFiles(root = projectRoot()): string[] {
  const files = renderAll(loadAbi(root));
  return Object.entries(files)
    .filter(([path, text]) => {
      const full = join(root, path);
      return !existsSync(full) || readFileSync(full, "utf8") !== text;
    })
    .map(([path]) => path);
}

function main(argv: string[]): number {
  const root = projectRoot();
  if (argv.includes("--check")) {
    const stale = staleFiles(root);
    for (const p of stale) process.stderr.write(`stale generated file: ${p} (run \`make gen\` and commit the result)\n`);
    return stale.length ? 1 : 0;
  }
  for (const [path, text] of Object.entries(renderAll(loadAbi(root)))) {
    writeFileSync(join(root, path), text);
    process.stdout.write(`wrote ${relative(process.cwd(), join(root, path)) || path}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}

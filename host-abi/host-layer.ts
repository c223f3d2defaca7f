// The generated host-function layer of both hosts: for every ABI function, the
// one wrapper that does what every host function must do before its semantics
// run — phase gate and current-function bookkeeping (`begin`/`enter`), every
// (ptr, len) pair checked in one fixed order (any negative → ERROR (-2), then
// each range inside guest memory or trap, in parameter order), the header
// rules for header setters — and the one exit. The hand-written part of each
// function (nginx/module/ngx_http_wasm_api_*.c, host/*.ts) gets the ranges
// already checked: in C as `u_char *X, size_t X_len` pointing into guest
// memory, in TypeScript as bytes (inputs) or a GuestBuffer (the `buf` output).
//
// Parameters: a name ending in `ptr` followed by the same name ending in `len`
// is one range, named by the prefix (`name_ptr, name_len` → `name`; a bare
// `ptr, len` → `data`); the range named `buf` is where a getter writes its
// value; every other parameter is an i32 passed as is.
import type { Abi, AbiFunction } from "./generate.js";

export type Param =
  | { kind: "range"; name: string; ptr: string; len: string; output: boolean }
  | { kind: "scalar"; name: string };

/** The parameters of `f` as ranges and scalars (see the file comment). */
export function paramShapes(f: AbiFunction): Param[] {
  const out: Param[] = [];
  for (let i = 0; i < f.params.length; i++) {
    const p = f.params[i]!;
    const next = f.params[i + 1];
    const prefix = p === "ptr" ? "" : p.endsWith("_ptr") ? p.slice(0, -4) : undefined;
    if (prefix !== undefined && next === (prefix ? `${prefix}_len` : "len")) {
      const name = prefix || "data";
      out.push({ kind: "range", name, ptr: p, len: next, output: name === "buf" });
      i++;
    } else {
      out.push({ kind: "scalar", name: p });
    }
  }
  return out;
}

const BANNER = "GENERATED from host-abi/abi.json by host-abi/host-layer.ts. Do not edit; run `make gen`.";

/** `ngx_wasm_req_get_header` → `ngx_http_wasm_req_get_header`: the hand-written semantics in C. */
export function cSemanticsName(f: AbiFunction): string {
  return f.name.replace(/^ngx_wasm_/, "ngx_http_wasm_");
}

function areaMacro(area: string): string {
  return "NGX_WASM_AREA_" + area.toUpperCase();
}

/** nginx style: `type name(args)` wrapped at 80 columns with a 4-space continuation. */
function wrapC(head: string, args: string[], end: string, indent = "    "): string[] {
  const lines: string[] = [];
  let line = head + "(";
  args.forEach((a, i) => {
    const piece = a + (i === args.length - 1 ? end : ", ");
    if (line.length + piece.trimEnd().length > 79 && !line.endsWith("(")) {
      lines.push(line.trimEnd());
      line = indent + piece;
    } else {
      line += piece;
    }
  });
  if (!args.length) line += "void" + end;
  lines.push(line);
  return lines;
}

/** A C comment of `text`, wrapped at 80 columns. */
function cComment(text: string): string[] {
  const words = text.replace(/\*\//g, "* /").split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + w.length + 4 > 79) {
      lines.push(line);
      line = "";
    }
    line += (line ? " " : "") + w;
  }
  if (line) lines.push(line);
  return ["/*", ...lines.map((l) => ` * ${l}`), " */"];
}

function cSemanticsArgs(f: AbiFunction): string[] {
  const args = ["ngx_http_wasm_instance_t *wi"];
  for (const p of paramShapes(f)) {
    if (p.kind === "range") args.push(`u_char *${p.name}`, `size_t ${p.name}_len`);
    else args.push(`int32_t ${p.name}`);
  }
  return args;
}

/** ngx_http_wasm_host_functions.h: the prototype every hand-written semantics function must match. */
export function renderCPrototypes(abi: Abi): string {
  const out = [`/* ${BANNER} */`, "",
    "/*",
    " * The semantics of every ABI function the nginx host implements, called by",
    " * the generated wrapper (ngx_http_wasm_host_functions.c) with its ranges",
    " * checked: each (X_ptr, X_len) pair arrives as u_char *X, size_t X_len",
    " * inside guest memory. A definition that differs from these prototypes",
    " * does not compile.",
    " */", "",
    "#ifndef _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_",
    "#define _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_", ""];
  for (const f of abi.functions) {
    out.push(`#if (NGX_WASM_HOST_NGINX_AREAS & ${areaMacro(f.area)})`);
    out.push(...cComment(`${f.name}: ${f.doc}`));
    out.push(...wrapC(`int32_t ${cSemanticsName(f)}`, cSemanticsArgs(f), ");"));
    out.push("#endif", "");
  }
  out.push("#endif /* _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_ */", "");
  return out.join("\n");
}

/** ngx_http_wasm_host_functions.c: the Z_envZ_* import wasm2c's guests call, one per function. */
export function renderCWrappers(abi: Abi): string {
  const setters = new Set(abi.headers.setters);
  const out = [`/* ${BANNER} */`, "",
    "/*",
    " * The import every compiled guest calls (wasm2c: Z_envZ_<name>), for each",
    " * ABI function of an area the nginx host implements: phase gate, then",
    " * every (ptr, len) pair checked in one order (negative: NGX_WASM_ERROR;",
    " * outside guest memory: trap), header rules for header setters, then the",
    " * hand-written semantics, then the one exit (ngx_http_wasm_host_end).",
    " */", "",
    '#include "ngx_http_wasm_module.h"', ""];
  for (const f of abi.functions) {
    const shapes = paramShapes(f);
    const ranges = shapes.filter((p) => p.kind === "range");
    const fn = `NGX_HTTP_WASM_FN_${f.name}`;
    out.push("", `#if (NGX_WASM_HOST_NGINX_AREAS & ${areaMacro(f.area)})`, "");
    out.push(...cComment(`${f.name}: ${f.doc}`));
    out.push("uint32_t");
    out.push(...wrapC(`Z_envZ_${f.name}`, ["ngx_http_wasm_instance_t *wi", ...f.params.map((p) => `uint32_t ${p}`)], ")"));
    out.push("{");
    if (ranges.length) out.push(`    u_char  ${ranges.map((r) => "*" + r.name).join(", ")};`, "");
    out.push(`    ngx_http_wasm_host_begin(wi, ${fn});`, "");
    if (ranges.length) {
      const conds = ranges.map((r, i) => `${i ? "|| " : ""}ngx_http_wasm_negative(${r.ptr}, ${r.len})`);
      if (conds.length === 1) {
        out.push(`    if (${conds[0]}) {`);
      } else {
        out.push(`    if (${conds[0]}`);
        for (const c of conds.slice(1, -1)) out.push(`        ${c}`);
        out.push(`        ${conds[conds.length - 1]})`, "    {");
      }
      out.push("        return ngx_http_wasm_host_end(NGX_WASM_ERROR);", "    }", "");
      for (const r of ranges) out.push(`    ${r.name} = ngx_http_wasm_guest_mem(wi, ${r.ptr}, ${r.len});`);
      out.push("");
    }
    if (setters.has(f.name)) {
      out.push("    /* header rules (abi.json \"headers\"): no CR/LF on the wire */",
        "    if (!ngx_wasm_header_name_valid(name, name_len)",
        "        || !ngx_wasm_header_value_valid(value, value_len))",
        "    {", "        return ngx_http_wasm_host_end(NGX_WASM_ERROR);", "    }", "");
    }
    const callArgs = ["wi", ...shapes.flatMap((p) => (p.kind === "range" ? [p.name, `${p.len}`] : [`(int32_t) ${p.name}`]))];
    out.push("    return ngx_http_wasm_host_end(");
    out.push(...wrapC(`               ${cSemanticsName(f)}`, callArgs, "));", "                   "));
    out.push("}", "", "#endif");
  }
  out.push("");
  return out.join("\n");
}

// ------------------------------------------------------------- TypeScript

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function tsSemanticsParams(f: AbiFunction): string[] {
  return paramShapes(f).map((p) =>
    p.kind === "scalar" ? `${camel(p.name)}: number` : p.output ? `${camel(p.name)}: GuestBuffer` : `${camel(p.name)}: Uint8Array`,
  );
}

/** host/imports.ts: the in-process host's import object, the same wrapper in TypeScript. */
export function renderTsImports(abi: Abi): string {
  const setters = new Set(abi.headers.setters);
  const out = [`// ${BANNER}`, "//",
    "// The import object of the in-process host: for every ABI function, the",
    "// wrapper (host-abi/host-layer.ts) — phase gate (`enter`), every (ptr, len)",
    "// pair checked in one order (negative → ERROR, outside guest memory → trap),",
    "// header rules for header setters — around the hand-written semantics, which",
    "// get input ranges as bytes and the `buf` range as a GuestBuffer.", "",
    'import { isHeaderName, isHeaderValue, Status, type HostFunctionName } from "../host-abi/tables.js";',
    'import type { GuestBuffer, GuestMemory } from "./memory.js";', ""];
  out.push("/** Every ABI function's semantics, as the host implements them (all results are i32). */");
  out.push("export interface HostFunctions {");
  for (const f of abi.functions) {
    out.push(`  /** ${f.doc} */`);
    out.push(`  ${f.name}(${tsSemanticsParams(f).join(", ")}): number;`);
  }
  out.push("}", "");
  out.push("/** What the wrappers need from a run: the phase gate and the guest's memory. */",
    "export interface ImportContext {", "  enter(name: HostFunctionName): void;", "  readonly memory: GuestMemory;", "}", "");
  out.push(`export function buildImports(host: HostFunctions, ctx: ImportContext): {`,
    `  ${abi.importModule}: Record<HostFunctionName, (...args: number[]) => number>;`, "} {");
  out.push("  return {", `    ${abi.importModule}: {`);
  for (const f of abi.functions) {
    const shapes = paramShapes(f);
    const ranges = shapes.filter((p) => p.kind === "range");
    const sig = f.params.map((p) => `${camel(p)}: number`).join(", ");
    out.push(`      ${f.name}: (${sig}): number => {`);
    out.push(`        ctx.enter("${f.name}");`);
    if (ranges.length) {
      const all = ranges.flatMap((r) => [camel(r.ptr), camel(r.len)]);
      out.push(`        if (${all.map((v) => `${v} < 0`).join(" || ")}) return Status.ERROR;`);
      for (const r of ranges) {
        const how = r.output ? "buffer" : "read";
        out.push(`        const ${camel(r.name)} = ctx.memory.${how}(${camel(r.ptr)}, ${camel(r.len)}, "${f.name} ${r.name}");`);
      }
    }
    if (setters.has(f.name)) out.push("        if (!isHeaderName(name) || !isHeaderValue(value)) return Status.ERROR;");
    const args = shapes.map((p) => camel(p.name));
    out.push(`        return host.${f.name}(${args.join(", ")});`);
    out.push("      },");
  }
  out.push("    },", "  };", "}", "");
  return out.join("\n");
}

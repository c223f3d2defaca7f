// abi.json's "sdk" of every host function: the SDK calls that reach it, which
// the validator names beside the import (a guest author wrote
// Response.say, not env.ngx_wasm_resp_write). Each name must be a member the
// SDK exports, and every SDK file that calls a host function must be named
// for it, so the list cannot drift from the SDK.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOST_FUNCTIONS } from "../../host-abi/tables.js";

const SDK = join(import.meta.dirname, "../../sdk");
const sources = new Map(readdirSync(SDK).filter((f) => f.endsWith(".ts") && f !== "raw.ts").map((f) => [f, readFileSync(join(SDK, f), "utf8")]));
const all = [...sources.values()].join("\n");

/** Whether the SDK defines `owner.member` (a namespace function or a class method). */
function defines(owner: string, member: string): boolean {
  const container = new RegExp(`export (namespace|class) ${owner}\\b`).test(all);
  const fn = new RegExp(`(export function ${member}\\b|^  ${member}(<[^>]*>)?\\()`, "m").test(all);
  return container && fn;
}

describe("abi.json sdk: the SDK calls of each host function", () => {
  it.each(HOST_FUNCTIONS.map((f) => [f.name, f.sdk] as const))("%s: every named SDK call exists", (_name, sdk) => {
    expect(sdk.length).toBeGreaterThan(0);
    const names = [...sdk.matchAll(/\b([A-Za-z]+)\.([a-z][A-Za-z]*)\b/g)].filter((m) => m[1] !== "Math");
    for (const [, owner, member] of names) expect(defines(owner!, member!), `${owner}.${member}`).toBe(true);
    for (const bare of [...sdk.matchAll(/(?:^|, )([a-z][A-Za-z]*)(?=,|$| \()/g)].map((m) => m[1]!)) {
      expect(all, bare).toMatch(new RegExp(`export function ${bare}\\b`));
    }
  });

  it("each SDK file that calls a host function names one of its calls in that function's list", () => {
    for (const [file, text] of sources) {
      const owners = [...text.matchAll(/export (?:namespace|class) ([A-Za-z]+)/g)].map((m) => m[1]!);
      for (const f of HOST_FUNCTIONS) {
        if (!new RegExp(`\\b${f.name}\\(`).test(text) || owners.length === 0) continue;
        expect(owners.some((o) => f.sdk.includes(`${o}.`)) || /yieldNow/.test(f.sdk), `${file} calls ${f.name}; its sdk list: ${f.sdk}`).toBe(true);
      }
    }
  });
});

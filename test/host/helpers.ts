// Shared by the host suites: build a one-handler WAT guest and run it.
import { Host, type RunOptions, type RunResult } from "../../host/index.js";
import type { Guest } from "../../host/load.js";
import { abiGuest } from "../support/wat.js";

/** A handler body plus module-level items (data, globals, helper functions). */
export interface HandlerSource {
  body: string;
  items?: string;
  export?: string;
}

export function handlerModule(src: HandlerSource): string {
  return `${src.items ?? ""}
  (func (export "${src.export ?? "handler"}") (result i32) ${src.body})`;
}

/** Load a guest with one handler (default export name "handler"). */
export async function loadHandler(host: Host, src: HandlerSource | string, name = "test"): Promise<Guest> {
  const s = typeof src === "string" ? { body: src } : src;
  return host.load(await abiGuest(handlerModule(s)), name);
}

/** Run a handler body once in `phase` (content by default) on a fresh or given host. */
export async function runHandler(
  src: HandlerSource | string,
  options: Partial<RunOptions> = {},
  host: Host = new Host(),
): Promise<RunResult> {
  const guest = await loadHandler(host, src);
  return host.run(guest, { phase: "content", export: "handler", ...options });
}

/** `(data …)` placing ASCII text at `ptr`. */
export const data = (ptr: number, text: string): string => `(data (i32.const ${ptr}) "${text}")`;

/** The `(i32.const ptr) (i32.const len)` operands of an ASCII string at ptr. */
export const str = (ptr: number, text: string): string => `(i32.const ${ptr}) (i32.const ${text.length})`;

/**
 * Read a variable from inside a guest (in any phase that allows var_get):
 * its value, or the negative code var_get returned.
 */
export async function readVar(name: string, options: Partial<RunOptions> = {}, host?: Host): Promise<string | number> {
  const r = await runHandler(
    {
      items: data(0, name),
      body: `(local $n i32)
        (local.set $n (call $ngx_wasm_var_get ${str(0, name)} (i32.const 1024) (i32.const 4096)))
        (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (local.get $n))))
        (drop (call $ngx_wasm_log (i32.const 7) (i32.const 1024) (local.get $n)))
        (i32.const 0)`,
    },
    options,
    host,
  );
  if (r.trap) throw new Error(r.error);
  return r.ok ? r.logs[0]!.message : r.returnCode!;
}

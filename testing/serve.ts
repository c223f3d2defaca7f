// serveGuests(): real nginx serving built guests on a free loopback port, for
// end-to-end tests — the location blocks `ngxwasm conf` writes, inside the
// test nginx of nginx.ts.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { conventionalHandlers, guestName, parseHandlers, renderGuestBlocks, type ConfGuest } from "../cli/nginx-conf.js";
import { readModuleShape } from "../host/wasm-module.js";
import { Nginx } from "./nginx.js";

/** The module serveGuests loads unless told: $NGXWASM_MODULE, else build/module/ under the working directory (`ngxwasm module build`'s default). */
export function defaultModulePath(): string {
  return resolve(process.env.NGXWASM_MODULE ?? join("build", "module", "ngx_http_wasm_module.so"));
}

export interface ServedGuest {
  /** the built .wasm file */
  wasm: string;
  /** default: the file name without .wasm */
  name?: string;
  /** default: /<name> */
  location?: string;
  /** `PHASE` or `PHASE:EXPORT` (e.g. "header_filter:on_header"); default: every conventionally named handler it exports (on_content → content, …) */
  phases?: string[];
  /** extra directives for its location block, e.g. "proxy_pass http://127.0.0.1:8081;" */
  directives?: string[];
}

export interface ServeOptions {
  /** the ngx_http_wasm_module.so (default: defaultModulePath()) */
  modulePath?: string;
  /** worker_processes (default 1) */
  workers?: number;
  /** where the nginx prefix goes (default: under the system's temporary directory) */
  dir?: string;
  /** extra http-level directives (e.g. `wasm_shm_zone guests 1m;`) */
  http?: string;
}

/**
 * Start nginx serving `guests` on a free 127.0.0.1 port; resolves once it
 * accepts requests. `await ngx.get("/hello")` → { status, headers, text };
 * `await ngx.stop()` when done (afterAll). Throws, naming the file, when a
 * guest exports no conventionally named handler and no phases are given.
 */
export async function serveGuests(guests: ServedGuest[], options: ServeOptions = {}): Promise<Nginx> {
  const ngx = await Nginx.create("serve", { modulePath: options.modulePath ?? defaultModulePath(), workers: options.workers, dir: options.dir });
  const confGuests: ConfGuest[] = guests.map((g) => {
    const name = g.name ?? guestName(g.wasm);
    const handlers = g.phases?.length
      ? parseHandlers(g.phases, undefined)
      : conventionalHandlers(readModuleShape(new Uint8Array(readFileSync(g.wasm))).exports.map((e) => e.name));
    if (!handlers.length) {
      throw new Error(`serveGuests: ${g.wasm} exports no handler named for a location phase (on_content, on_rewrite, …) — pass phases: ["content:<export>"]`);
    }
    const wasmPath = join(ngx.prefix, ngx.addGuest(name, g.wasm));
    return { name, wasmPath, location: g.location ?? `/${name}`, handlers, directives: g.directives };
  });
  await ngx.start(`${options.http ?? ""}
    server {
        listen ${ngx.listen()};

${renderGuestBlocks(confGuests)}
    }`);
  return ngx;
}

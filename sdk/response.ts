// The response: status, headers and a body accumulated in guest memory and
// written to nginx once (the ABI's resp_write *sets* the body).
import {
  ngx_wasm_resp_get_status,
  ngx_wasm_resp_set_status,
  ngx_wasm_resp_write,
} from "./raw";
import { ByteBuilder, callSetter, fetchNamedString, Getter, ptr, Setter, toBytes } from "./internal/buffer";
import { check, HEADER_REFUSED } from "./internal/errors";

// Per-invocation state (a fresh instance per request, so per request too).
const body = new ByteBuilder();
// The body is handed to nginx through this reference, which the body functions
// set when they change the body: a handler that never builds a body (a filter,
// a log handler) never reaches `resp_write` even through `handle()`, and
// `ngxwasm validate --export … --phase …` can tell (host/wasm-calls.ts).
let pendingWrite: () => void = noWrite;

function noWrite(): void {}

function writeBody(): void {
  check(ngx_wasm_resp_write(body.ptr, body.length), "Response.flush", null, "the body can no longer be set");
  pendingWrite = noWrite;
}
let exited = false;

/**
 * The response to the request.
 *
 * The body is built with `print`/`say`/`write`, kept in guest memory and
 * handed to nginx once, by `handle()` when your handler returns (or by
 * `Response.flush()` if you do not use `handle`). In the rewrite and access
 * phases, setting a status or a body produces the response and skips the later
 * phases; doing neither falls through to the next phase.
 *
 * Phases:
 * - `status`: server_rewrite, rewrite, access, content, log.
 * - `setStatus`, `exit`, `redirect`: server_rewrite, rewrite, access, content
 *   (`setStatus` also in header_filter).
 * - `header`, `setHeader`, `removeHeader`, `setContentType`: server_rewrite,
 *   rewrite, access, content, header_filter, body_filter.
 * - body (`print`, `say`, `write`, `json`, `flush`): server_rewrite, rewrite,
 *   access, content. Use `BodyChunk` in body_filter.
 *
 * ```ts
 * Response.setContentType("text/html; charset=utf-8");
 * Response.say("<h1>hello</h1>");
 * ```
 */
export namespace Response {
  /** The response status code (in the log phase: the status that was sent). */
  export function status(): i32 {
    return ngx_wasm_resp_get_status();
  }

  /** Set the status code (e.g. 201, 404). Ignored after `exit`. */
  export function setStatus(code: i32): void {
    if (exited) return;
    check(ngx_wasm_resp_set_status(code), "Response.setStatus", code.toString(), "the status can no longer be changed");
  }

  /** Value of response header `name` (case-insensitive), or `null` when absent. */
  export function header(name: string): string | null {
    return fetchNamedString(Getter.RESPONSE_HEADER, name, "Response.header");
  }

  /** Set (replace) response header `name`. */
  export function setHeader(name: string, value: string): void {
    const status = callSetter(Setter.RESPONSE_HEADER, name, value);
    check(status, "Response.setHeader", name, HEADER_REFUSED + " (or the response headers were already sent)");
  }

  /** Remove response header `name` (the ABI's "empty value removes it"). */
  export function removeHeader(name: string): void {
    setHeader(name, "");
  }

  /** Set `Content-Type` (a guest response is `text/plain` by default). */
  export function setContentType(contentType: string): void {
    setHeader("Content-Type", contentType);
  }

  /** Append `text` (UTF-8) to the body. Ignored after `exit`. */
  export function print(text: string): void {
    if (exited) return;
    body.appendString(text);
    pendingWrite = writeBody;
  }

  /** Append `text` and a newline (`"\n"`) to the body, like OpenResty's `ngx.say`. Ignored after `exit`. */
  export function say(text: string): void {
    if (exited) return;
    body.appendString(text);
    body.appendByte(0x0a); // "\n"
    pendingWrite = writeBody;
  }

  /** Append bytes (an `ArrayBuffer` or `Uint8Array`; a string is UTF-8 encoded) to the body. Ignored after `exit`. */
  export function write<T>(data: T): void {
    if (exited) return;
    body.appendBytes(toBytes<T>(data));
    pendingWrite = writeBody;
  }

  /** Set `Content-Type: application/json` and append `json` (see `Json` to build it). */
  export function json(json: string): void {
    if (exited) return;
    setContentType("application/json");
    print(json);
  }

  /** Drop what was appended to the body so far. */
  export function clearBody(): void {
    if (exited) return;
    body.clear();
    pendingWrite = writeBody;
  }

  /** Number of body bytes appended so far. */
  export function bodyLength(): i32 {
    return body.length;
  }

  /**
   * Finish the response now, like OpenResty's `ngx.exit`: set the status and,
   * if `text` is given, replace the body with it. AssemblyScript cannot unwind
   * your function, so `return` right after; later `setStatus` and body calls
   * are ignored.
   *
   * ```ts
   * if (Request.header("Authorization") === null) { Response.exit(401, "login first\n"); return; }
   * ```
   */
  export function exit(code: i32, text: string | null = null): void {
    if (exited) return;
    setStatus(code);
    if (text !== null) {
      body.clear();
      body.appendString(text);
      pendingWrite = writeBody;
    }
    exited = true;
  }

  /** Redirect: set `Location` and the status (302 by default; 301, 303, 307, 308), then as `exit`. */
  export function redirect(location: string, code: i32 = 302): void {
    if (exited) return;
    setHeader("Location", location);
    exit(code);
  }

  /** Whether `exit` or `redirect` was called. */
  export function hasExited(): bool {
    return exited;
  }

  /**
   * Hand the accumulated body to nginx (`resp_write`) if it changed since the
   * last flush. `handle()` calls this when your handler returns; call it
   * yourself only if you write the export without `handle`.
   */
  export function flush(): void {
    pendingWrite();
  }
}

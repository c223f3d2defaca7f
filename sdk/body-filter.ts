// The response body as it streams through the body filter, one chunk per call.
import {
  ngx_wasm_resp_get_body_chunk_eof,
  ngx_wasm_resp_set_body_chunk,
} from "./raw";
import { fetchBytes, fetchString, Getter, ptr, toBytes } from "./internal/buffer";
import { check } from "./internal/errors";

/** `ASC_RUNTIME` of the incremental runtime (AssemblyScript's `Runtime.Incremental`). */
const INCREMENTAL_RUNTIME: i32 = 2;

/**
 * Before a chunk is fetched, reclaim what the previous chunks left behind, so a
 * filter's memory holds its live state plus one chunk's work, whatever the size
 * of the response. Only under the incremental runtime, which `ngxwasm build`
 * gives guests that filter bodies: its shadow stack keeps the objects in the
 * caller's locals, so a full collection is safe at any call. Under the stub
 * runtime `__collect` does nothing.
 */
@inline
function reclaim(): void {
  if (ASC_RUNTIME == INCREMENTAL_RUNTIME) __collect();
}

/**
 * The current response body chunk in `body_filter_by_wasm`. The export is
 * called once per chunk on the same instance (globals survive between the
 * chunks of one response), so a filter can carry state, e.g. bytes of a
 * UTF-8 character split across two chunks. Chunk boundaries are arbitrary.
 * If your filter changes the body length, remove `Content-Length` in a
 * header filter (`Response.removeHeader("Content-Length")` in `on_header`).
 *
 * Phases: body_filter.
 *
 * ```ts
 * export function on_body(): i32 {
 *   BodyChunk.replace(BodyChunk.text().replaceAll("foo", "bar"));
 *   return 0;
 * }
 * ```
 */
export namespace BodyChunk {
  /** The chunk's bytes (empty when there is no current chunk). */
  export function read(): ArrayBuffer {
    reclaim();
    const bytes = fetchBytes(Getter.BODY_CHUNK, 0, 0, "BodyChunk.read");
    return bytes !== null ? bytes : new ArrayBuffer(0);
  }

  /** The chunk decoded as UTF-8 (a character split across chunks decodes as U+FFFD: use `read` to handle that). */
  export function text(): string {
    reclaim();
    const s = fetchString(Getter.BODY_CHUNK, 0, 0, "BodyChunk.text");
    return s !== null ? s : "";
  }

  /** Whether this is the last chunk of the response. */
  export function isLast(): bool {
    return ngx_wasm_resp_get_body_chunk_eof() == 1;
  }

  /** Replace this chunk's output with `data` (string as UTF-8, ArrayBuffer or Uint8Array; may be empty). */
  export function replace<T>(data: T): void {
    const bytes = toBytes<T>(data);
    check(ngx_wasm_resp_set_body_chunk(ptr(bytes), bytes.byteLength), "BodyChunk.replace");
  }
}

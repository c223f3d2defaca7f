// Moving bytes across the ABI: strings are UTF-8 `(ptr, len)` pairs, and every
// getter copies into a guest buffer and returns the FULL length of the value.
// The "buffer too small → retry with a buffer of the reported length" loop
// lives here, once; every SDK getter goes through `fetchBytes`/`fetchString`.
import {
  ngx_wasm_req_get_body,
  ngx_wasm_req_get_header,
  ngx_wasm_req_set_header,
  ngx_wasm_resp_get_body_chunk,
  ngx_wasm_resp_get_header,
  ngx_wasm_resp_set_header,
  ngx_wasm_shm_get,
  ngx_wasm_ssl_get_server_name,
  ngx_wasm_subreq_get_header,
  ngx_wasm_subreq_set_header,
  ngx_wasm_var_get,
  ngx_wasm_var_set,
  Status,
} from "../raw";
import { callName, fail } from "./errors";

/** Size of the static scratch buffer a getter tries first (longer values are retried). */
export const SCRATCH_SIZE: i32 = 1024;

// Static scratch space (not on the heap): most values fit, and decoding a string
// straight from here avoids allocating an intermediate buffer.
const scratch: usize = memory.data(SCRATCH_SIZE);

/** The ABI's getters that copy a value into a guest buffer. */
export const enum Getter {
  REQUEST_HEADER,
  RESPONSE_HEADER,
  VARIABLE,
  SHARED_DICT,
  SUBREQUEST_HEADER,
  REQUEST_BODY,
  BODY_CHUNK,
  SSL_SERVER_NAME,
}

// A getter is chosen by a constant, not passed as a function reference: the
// fetch helpers below are inlined, so the optimizer reduces this switch to the
// one direct call. Without `call_indirect`, `ngxwasm validate --export` can
// tell which host functions each handler really reaches.
// `a`/`b` carry a name `(ptr, len)` for named getters; the others ignore them.
@inline
function callGetter(getter: Getter, a: i32, b: i32, bufPtr: i32, bufLen: i32): i32 {
  switch (getter) {
    case Getter.REQUEST_HEADER: return ngx_wasm_req_get_header(a, b, bufPtr, bufLen);
    case Getter.RESPONSE_HEADER: return ngx_wasm_resp_get_header(a, b, bufPtr, bufLen);
    case Getter.VARIABLE: return ngx_wasm_var_get(a, b, bufPtr, bufLen);
    case Getter.SHARED_DICT: return ngx_wasm_shm_get(a, b, bufPtr, bufLen);
    case Getter.SUBREQUEST_HEADER: return ngx_wasm_subreq_get_header(a, b, bufPtr, bufLen);
    case Getter.REQUEST_BODY: return ngx_wasm_req_get_body(bufPtr, bufLen);
    case Getter.BODY_CHUNK: return ngx_wasm_resp_get_body_chunk(bufPtr, bufLen);
    case Getter.SSL_SERVER_NAME: return ngx_wasm_ssl_get_server_name(bufPtr, bufLen);
  }
  return unreachable();
}

/** The ABI's setters of shape `(namePtr, nameLen, valuePtr, valueLen) -> status`. */
export const enum Setter {
  REQUEST_HEADER,
  RESPONSE_HEADER,
  SUBREQUEST_HEADER,
  VARIABLE,
}

/** Call `setter` with `name` and `value` as UTF-8; chosen by a constant and inlined, like the getters. */
@inline
export function callSetter(setter: Setter, name: string, value: string): i32 {
  const n = utf8(name);
  const v = utf8(value);
  switch (setter) {
    case Setter.REQUEST_HEADER: return ngx_wasm_req_set_header(ptr(n), n.byteLength, ptr(v), v.byteLength);
    case Setter.RESPONSE_HEADER: return ngx_wasm_resp_set_header(ptr(n), n.byteLength, ptr(v), v.byteLength);
    case Setter.SUBREQUEST_HEADER: return ngx_wasm_subreq_set_header(ptr(n), n.byteLength, ptr(v), v.byteLength);
    case Setter.VARIABLE: return ngx_wasm_var_set(ptr(n), n.byteLength, ptr(v), v.byteLength);
  }
  return unreachable();
}

/** A UTF-8 copy of `s` (not NUL-terminated). */
@inline
export function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

/** Guest pointer of a buffer, as the ABI's i32. */
@inline
export function ptr(buf: ArrayBuffer): i32 {
  return <i32>changetype<usize>(buf);
}

/** Bytes of a string, ArrayBuffer or Uint8Array (a string is UTF-8 encoded; an ArrayBuffer is used as is). */
export function toBytes<T>(data: T): ArrayBuffer {
  if (isString<T>()) return String.UTF8.encode(changetype<string>(data));
  if (data instanceof ArrayBuffer) return changetype<ArrayBuffer>(data);
  if (data instanceof Uint8Array) {
    const view = changetype<Uint8Array>(data);
    if (view.byteOffset == 0 && view.byteLength == view.buffer.byteLength) return view.buffer;
    return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  }
  ERROR("expected a string, an ArrayBuffer or a Uint8Array");
  return new ArrayBuffer(0);
}

// Length of the value the last `fetchRaw` got (or -1 for NOT_FOUND): a global,
// so a getter allocates nothing but the value it returns.
let fetchedLen: i32 = 0;

/** What an ERROR abort says when the call has no more specific hint. */
@lazy const HOST_ERROR = "the host returned ERROR";

/**
 * Call `getter` until the value fits. Returns the buffer it landed in, or null
 * for the static scratch buffer; its length is in `fetchedLen` (-1 when the host
 * answers NOT_FOUND). An ERROR aborts naming `what`, saying `hint`. A retry buffer is held as
 * an `ArrayBuffer`, never only as an address, so a collecting runtime (filters
 * use one, see `ngxwasm build`) cannot free it while it is in use.
 */
@inline
function fetchRaw(getter: Getter, a: i32, b: i32, what: string, name: string | null, hint: string): ArrayBuffer | null {
  let buf: ArrayBuffer | null = null;
  let cap: i32 = SCRATCH_SIZE;
  let len = callGetter(getter, a, b, <i32>scratch, cap);
  // The value may change between calls (in theory): loop until it fits.
  while (len > cap) {
    cap = len;
    const retry = new ArrayBuffer(cap);
    buf = retry;
    len = callGetter(getter, a, b, ptr(retry), cap);
  }
  if (len == Status.ERROR) fail(callName(what, name), hint);
  fetchedLen = len;
  return buf;
}

/** A getter's value as bytes, or null when the host says NOT_FOUND. */
@inline
export function fetchBytes(getter: Getter, a: i32, b: i32, what: string, name: string | null = null, hint: string = HOST_ERROR): ArrayBuffer | null {
  const buf = fetchRaw(getter, a, b, what, name, hint);
  const len = fetchedLen;
  if (len < 0) return null;
  if (buf !== null && len == buf.byteLength) return buf; // the retry buffer is exactly the value
  const out = new ArrayBuffer(len);
  memory.copy(changetype<usize>(out), buf !== null ? changetype<usize>(buf) : scratch, len);
  return out;
}

/** A getter's value decoded as UTF-8, or null when the host says NOT_FOUND. */
@inline
export function fetchString(getter: Getter, a: i32, b: i32, what: string, name: string | null = null, hint: string = HOST_ERROR): string | null {
  const buf = fetchRaw(getter, a, b, what, name, hint);
  const len = fetchedLen;
  if (len < 0) return null;
  return String.UTF8.decodeUnsafe(buf !== null ? changetype<usize>(buf) : scratch, len);
}

/** The value of a getter keyed by a name (header, variable, shared dict key) as a string; `what` is the SDK call, e.g. "Request.header". */
@inline
export function fetchNamedString(getter: Getter, name: string, what: string): string | null {
  const n = utf8(name);
  return fetchString(getter, ptr(n), n.byteLength, what, name);
}

/** The value of a getter keyed by a name as bytes. */
@inline
export function fetchNamedBytes(getter: Getter, name: string, what: string): ArrayBuffer | null {
  const n = utf8(name);
  return fetchBytes(getter, ptr(n), n.byteLength, what, name);
}

/**
 * A growable byte buffer in guest memory (the body `Response.print/say/write`
 * accumulate). It grows by doubling (the stub runtime never frees the old
 * buffer; a collecting runtime does, as the data is held as an `ArrayBuffer`).
 */
export class ByteBuilder {
  private data: ArrayBuffer | null = null;
  /** Number of bytes written so far. */
  length: i32 = 0;

  /** Make room for `extra` more bytes; returns where they go. */
  private reserve(extra: i32): usize {
    const need = this.length + extra;
    let data = this.data;
    const cap = data !== null ? data.byteLength : 0;
    if (need > cap) {
      let grown = cap < 256 ? 256 : cap << 1;
      while (grown < need) grown <<= 1;
      // not zero-filled (as `new ArrayBuffer` would): only the first `length`
      // bytes are ever read, and they are written first
      const bigger = changetype<ArrayBuffer>(__new(grown, idof<ArrayBuffer>()));
      if (this.length > 0) memory.copy(changetype<usize>(bigger), changetype<usize>(data), this.length);
      this.data = data = bigger;
    }
    return changetype<usize>(data) + this.length;
  }

  /** Append a string as UTF-8 (encoded in place, no temporary copy). */
  appendString(s: string): void {
    const chars = s.length;
    if (chars == 0) return;
    // a short string gets room for its longest encoding (3 bytes per UTF-16
    // unit) and is encoded in one pass; a long one is measured first
    const room = chars <= 1024 ? chars * 3 : String.UTF8.byteLength(s);
    this.length += <i32>String.UTF8.encodeUnsafe(changetype<usize>(s), chars, this.reserve(room));
  }

  /** Append one byte. */
  appendByte(b: u8): void {
    store<u8>(this.reserve(1), b);
    this.length += 1;
  }

  /** Append the bytes of an ArrayBuffer. */
  appendBytes(bytes: ArrayBuffer): void {
    const len = bytes.byteLength;
    if (len == 0) return;
    memory.copy(this.reserve(len), changetype<usize>(bytes), len);
    this.length += len;
  }

  /** Forget the content (keeps the capacity). */
  clear(): void {
    this.length = 0;
  }

  /** Guest pointer of the content, as the ABI's i32 (0 before anything was appended). */
  get ptr(): i32 {
    return <i32>changetype<usize>(this.data);
  }
}

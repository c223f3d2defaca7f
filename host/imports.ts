// GENERATED from host-abi/abi.json by host-abi/host-layer.ts. Do not edit; run `make gen`.
//
// The import object of the in-process host: for every ABI function, the
// wrapper (host-abi/host-layer.ts) — phase gate (`enter`), every (ptr, len)
// pair checked in one order (negative → ERROR, outside guest memory → trap),
// header rules for header setters — around the hand-written semantics, which
// get input ranges as bytes and the `buf` range as a GuestBuffer.

import { isHeaderName, isHeaderValue, Status, type HostFunctionName } from "../host-abi/tables.js";
import type { GuestBuffer, GuestMemory } from "./memory.js";

/** Every ABI function's semantics, as the host implements them (all results are i32). */
export interface HostFunctions {
  /** Write guest bytes to the nginx error log at `level` (0 STDERR .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated, never used as a format string; control bytes other than tab are written as `\xNN`, so a message cannot forge log lines. */
  ngx_wasm_log(level: number, data: Uint8Array): number;
  /** Set the response status code. */
  ngx_wasm_resp_set_status(status: number): number;
  /** Get the response status code. */
  ngx_wasm_resp_get_status(): number;
  /** Set (replace) a response header; an empty value removes it. `Content-Type` overrides the default `text/plain`. */
  ngx_wasm_resp_set_header(name: Uint8Array, value: Uint8Array): number;
  /** Copy a response header value into the buffer (name matched case-insensitively). */
  ngx_wasm_resp_get_header(name: Uint8Array, buf: GuestBuffer): number;
  /** Set the response body to these bytes (replacing an earlier write); sent after the handler returns. */
  ngx_wasm_resp_write(data: Uint8Array): number;
  /** Copy the current response body chunk into the buffer. */
  ngx_wasm_resp_get_body_chunk(buf: GuestBuffer): number;
  /** Tell whether the current body chunk is the last one. */
  ngx_wasm_resp_get_body_chunk_eof(): number;
  /** Replace the output for the current body chunk (not calling it passes the chunk through unchanged). */
  ngx_wasm_resp_set_body_chunk(data: Uint8Array): number;
  /** Copy a request header value into the buffer (name matched case-insensitively). */
  ngx_wasm_req_get_header(name: Uint8Array, buf: GuestBuffer): number;
  /** Set (replace) a request header; an empty value removes it. */
  ngx_wasm_req_set_header(name: Uint8Array, value: Uint8Array): number;
  /** Copy the request body, read before the handler runs. A body larger than `wasm_request_body_buffer_size` (by Content-Length, or once read when chunked) is answered 413 before a guest importing this function runs, with one error-log line naming the directive and its limit, as the reference host does. */
  ngx_wasm_req_get_body(buf: GuestBuffer): number;
  /** Copy the value of an nginx variable (name without `$`). */
  ngx_wasm_var_get(name: Uint8Array, buf: GuestBuffer): number;
  /** Set an nginx variable (declared with `set` or otherwise changeable). */
  ngx_wasm_var_set(name: Uint8Array, value: Uint8Array): number;
  /** Write the cached wall-clock time as a little-endian u64 of milliseconds since the epoch. */
  ngx_wasm_time_unix_ms(buf: GuestBuffer): number;
  /** Write the cached monotonic time as a little-endian u64 of milliseconds. */
  ngx_wasm_time_monotonic_ms(buf: GuestBuffer): number;
  /** Copy the value stored under a key in the shared zone. */
  ngx_wasm_shm_get(key: Uint8Array, buf: GuestBuffer): number;
  /** Tell whether a key exists in the shared zone. */
  ngx_wasm_shm_exists(key: Uint8Array): number;
  /** Store a value under a key with no expiry (may evict least-recently-used entries). */
  ngx_wasm_shm_set(key: Uint8Array, value: Uint8Array): number;
  /** Store a value with a time-to-live in milliseconds (0 = none); expiry is lazy. */
  ngx_wasm_shm_set_ex(key: Uint8Array, value: Uint8Array, ttlMsec: number): number;
  /** Store a value only if the key does not exist. */
  ngx_wasm_shm_add(key: Uint8Array, value: Uint8Array): number;
  /** Store a value only if the key exists. */
  ngx_wasm_shm_replace(key: Uint8Array, value: Uint8Array): number;
  /** Add delta to an ASCII base-10 signed 32-bit value and return the new value. The stored value must be an optional `-` then one or more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing else) within -2147483648..2147483647; the new value is stored in its shortest form (`007` + 0 → `7`) and keeps the entry's TTL. */
  ngx_wasm_shm_incr(key: Uint8Array, delta: number): number;
  /** Delete a key. */
  ngx_wasm_shm_delete(key: Uint8Array): number;
  /** Add a non-negative delta to a counter declared with `wasm_counter` (saturates at i64 max). */
  ngx_wasm_metric_counter_inc(name: Uint8Array, delta: number): number;
  /** Set a gauge declared with `wasm_gauge`. */
  ngx_wasm_metric_gauge_set(name: Uint8Array, value: number): number;
  /** Add a (possibly negative) delta to a gauge. */
  ngx_wasm_metric_gauge_add(name: Uint8Array, delta: number): number;
  /** Stage a request header for the next subrequest launch. */
  ngx_wasm_subreq_set_header(name: Uint8Array, value: Uint8Array): number;
  /** Launch an nginx-internal subrequest to any location of the server (static files, return, proxy_pass, a location running a guest); method numbers are nginx's, option 1 captures the response body in memory, up to the host's buffer (nginx: wasm_subrequest_buffer_size, default 64k; a larger body is not captured: subreq_get_body and subreq_get_body_len return -2, the status and headers stay readable). The uri is refused (-2) when it does not start with /, holds a NUL or a .. segment (also %-encoded), or carries ?args while args are given too; ?args in the uri are the args. The staged headers replace the parent's of the same name. One subrequest at a time; a subrequest that fails (404, 502, 504, an internal error) reports its status to the guest, it does not fail the parent. */
  ngx_wasm_subreq(uri: Uint8Array, args: Uint8Array, method: number, options: number): number;
  /** Get the status of the last finished subrequest. */
  ngx_wasm_subreq_get_status(): number;
  /** Copy a response header of the last finished subrequest. */
  ngx_wasm_subreq_get_header(name: Uint8Array, buf: GuestBuffer): number;
  /** Copy the captured body of the last finished subrequest (-2 when it was launched without option 1, or its body was larger than the host's buffer: wasm_subrequest_buffer_size on nginx). */
  ngx_wasm_subreq_get_body(buf: GuestBuffer): number;
  /** Get the length of the captured subrequest body. */
  ngx_wasm_subreq_get_body_len(): number;
  /** Give control back to nginx; the export is re-invoked later with globals and memory kept. */
  ngx_wasm_yield(): number;
  /** Choose the upstream server by zero-based index into the `upstream {}` block's servers. */
  ngx_wasm_balancer_set_peer(peerIndex: number): number;
  /** Copy the TLS server name (SNI) sent by the client. */
  ngx_wasm_ssl_get_server_name(buf: GuestBuffer): number;
  /** Reject the TLS handshake with an alert number. */
  ngx_wasm_ssl_reject_handshake(alert: number): number;
  /** Use this PEM certificate chain and private key for the handshake. */
  ngx_wasm_ssl_set_certificate(cert: Uint8Array, key: Uint8Array): number;
}

/** What the wrappers need from a run: the phase gate and the guest's memory. */
export interface ImportContext {
  enter(name: HostFunctionName): void;
  readonly memory: GuestMemory;
}

export function buildImports(host: HostFunctions, ctx: ImportContext): {
  env: Record<HostFunctionName, (...args: number[]) => number>;
} {
  return {
    env: {
      ngx_wasm_log: (level: number, ptr: number, len: number): number => {
        ctx.enter("ngx_wasm_log");
        if (ptr < 0 || len < 0) return Status.ERROR;
        const data = ctx.memory.read(ptr, len, "ngx_wasm_log data");
        return host.ngx_wasm_log(level, data);
      },
      ngx_wasm_resp_set_status: (status: number): number => {
        ctx.enter("ngx_wasm_resp_set_status");
        return host.ngx_wasm_resp_set_status(status);
      },
      ngx_wasm_resp_get_status: (): number => {
        ctx.enter("ngx_wasm_resp_get_status");
        return host.ngx_wasm_resp_get_status();
      },
      ngx_wasm_resp_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_resp_set_header");
        if (namePtr < 0 || nameLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_resp_set_header name");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_resp_set_header value");
        if (!isHeaderName(name) || !isHeaderValue(value)) return Status.ERROR;
        return host.ngx_wasm_resp_set_header(name, value);
      },
      ngx_wasm_resp_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_resp_get_header");
        if (namePtr < 0 || nameLen < 0 || bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_resp_get_header name");
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_resp_get_header buf");
        return host.ngx_wasm_resp_get_header(name, buf);
      },
      ngx_wasm_resp_write: (ptr: number, len: number): number => {
        ctx.enter("ngx_wasm_resp_write");
        if (ptr < 0 || len < 0) return Status.ERROR;
        const data = ctx.memory.read(ptr, len, "ngx_wasm_resp_write data");
        return host.ngx_wasm_resp_write(data);
      },
      ngx_wasm_resp_get_body_chunk: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_resp_get_body_chunk");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_resp_get_body_chunk buf");
        return host.ngx_wasm_resp_get_body_chunk(buf);
      },
      ngx_wasm_resp_get_body_chunk_eof: (): number => {
        ctx.enter("ngx_wasm_resp_get_body_chunk_eof");
        return host.ngx_wasm_resp_get_body_chunk_eof();
      },
      ngx_wasm_resp_set_body_chunk: (ptr: number, len: number): number => {
        ctx.enter("ngx_wasm_resp_set_body_chunk");
        if (ptr < 0 || len < 0) return Status.ERROR;
        const data = ctx.memory.read(ptr, len, "ngx_wasm_resp_set_body_chunk data");
        return host.ngx_wasm_resp_set_body_chunk(data);
      },
      ngx_wasm_req_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_req_get_header");
        if (namePtr < 0 || nameLen < 0 || bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_req_get_header name");
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_req_get_header buf");
        return host.ngx_wasm_req_get_header(name, buf);
      },
      ngx_wasm_req_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_req_set_header");
        if (namePtr < 0 || nameLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_req_set_header name");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_req_set_header value");
        if (!isHeaderName(name) || !isHeaderValue(value)) return Status.ERROR;
        return host.ngx_wasm_req_set_header(name, value);
      },
      ngx_wasm_req_get_body: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_req_get_body");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_req_get_body buf");
        return host.ngx_wasm_req_get_body(buf);
      },
      ngx_wasm_var_get: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_var_get");
        if (namePtr < 0 || nameLen < 0 || bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_var_get name");
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_var_get buf");
        return host.ngx_wasm_var_get(name, buf);
      },
      ngx_wasm_var_set: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_var_set");
        if (namePtr < 0 || nameLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_var_set name");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_var_set value");
        return host.ngx_wasm_var_set(name, value);
      },
      ngx_wasm_time_unix_ms: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_time_unix_ms");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_time_unix_ms buf");
        return host.ngx_wasm_time_unix_ms(buf);
      },
      ngx_wasm_time_monotonic_ms: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_time_monotonic_ms");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_time_monotonic_ms buf");
        return host.ngx_wasm_time_monotonic_ms(buf);
      },
      ngx_wasm_shm_get: (keyPtr: number, keyLen: number, bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_shm_get");
        if (keyPtr < 0 || keyLen < 0 || bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_get key");
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_shm_get buf");
        return host.ngx_wasm_shm_get(key, buf);
      },
      ngx_wasm_shm_exists: (keyPtr: number, keyLen: number): number => {
        ctx.enter("ngx_wasm_shm_exists");
        if (keyPtr < 0 || keyLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_exists key");
        return host.ngx_wasm_shm_exists(key);
      },
      ngx_wasm_shm_set: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_shm_set");
        if (keyPtr < 0 || keyLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_set key");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_shm_set value");
        return host.ngx_wasm_shm_set(key, value);
      },
      ngx_wasm_shm_set_ex: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, ttlMsec: number): number => {
        ctx.enter("ngx_wasm_shm_set_ex");
        if (keyPtr < 0 || keyLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_set_ex key");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_shm_set_ex value");
        return host.ngx_wasm_shm_set_ex(key, value, ttlMsec);
      },
      ngx_wasm_shm_add: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_shm_add");
        if (keyPtr < 0 || keyLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_add key");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_shm_add value");
        return host.ngx_wasm_shm_add(key, value);
      },
      ngx_wasm_shm_replace: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_shm_replace");
        if (keyPtr < 0 || keyLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_replace key");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_shm_replace value");
        return host.ngx_wasm_shm_replace(key, value);
      },
      ngx_wasm_shm_incr: (keyPtr: number, keyLen: number, delta: number): number => {
        ctx.enter("ngx_wasm_shm_incr");
        if (keyPtr < 0 || keyLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_incr key");
        return host.ngx_wasm_shm_incr(key, delta);
      },
      ngx_wasm_shm_delete: (keyPtr: number, keyLen: number): number => {
        ctx.enter("ngx_wasm_shm_delete");
        if (keyPtr < 0 || keyLen < 0) return Status.ERROR;
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_shm_delete key");
        return host.ngx_wasm_shm_delete(key);
      },
      ngx_wasm_metric_counter_inc: (namePtr: number, nameLen: number, delta: number): number => {
        ctx.enter("ngx_wasm_metric_counter_inc");
        if (namePtr < 0 || nameLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_metric_counter_inc name");
        return host.ngx_wasm_metric_counter_inc(name, delta);
      },
      ngx_wasm_metric_gauge_set: (namePtr: number, nameLen: number, value: number): number => {
        ctx.enter("ngx_wasm_metric_gauge_set");
        if (namePtr < 0 || nameLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_metric_gauge_set name");
        return host.ngx_wasm_metric_gauge_set(name, value);
      },
      ngx_wasm_metric_gauge_add: (namePtr: number, nameLen: number, delta: number): number => {
        ctx.enter("ngx_wasm_metric_gauge_add");
        if (namePtr < 0 || nameLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_metric_gauge_add name");
        return host.ngx_wasm_metric_gauge_add(name, delta);
      },
      ngx_wasm_subreq_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        ctx.enter("ngx_wasm_subreq_set_header");
        if (namePtr < 0 || nameLen < 0 || valuePtr < 0 || valueLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_subreq_set_header name");
        const value = ctx.memory.read(valuePtr, valueLen, "ngx_wasm_subreq_set_header value");
        if (!isHeaderName(name) || !isHeaderValue(value)) return Status.ERROR;
        return host.ngx_wasm_subreq_set_header(name, value);
      },
      ngx_wasm_subreq: (uriPtr: number, uriLen: number, argsPtr: number, argsLen: number, method: number, options: number): number => {
        ctx.enter("ngx_wasm_subreq");
        if (uriPtr < 0 || uriLen < 0 || argsPtr < 0 || argsLen < 0) return Status.ERROR;
        const uri = ctx.memory.read(uriPtr, uriLen, "ngx_wasm_subreq uri");
        const args = ctx.memory.read(argsPtr, argsLen, "ngx_wasm_subreq args");
        return host.ngx_wasm_subreq(uri, args, method, options);
      },
      ngx_wasm_subreq_get_status: (): number => {
        ctx.enter("ngx_wasm_subreq_get_status");
        return host.ngx_wasm_subreq_get_status();
      },
      ngx_wasm_subreq_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_subreq_get_header");
        if (namePtr < 0 || nameLen < 0 || bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const name = ctx.memory.read(namePtr, nameLen, "ngx_wasm_subreq_get_header name");
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_subreq_get_header buf");
        return host.ngx_wasm_subreq_get_header(name, buf);
      },
      ngx_wasm_subreq_get_body: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_subreq_get_body");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_subreq_get_body buf");
        return host.ngx_wasm_subreq_get_body(buf);
      },
      ngx_wasm_subreq_get_body_len: (): number => {
        ctx.enter("ngx_wasm_subreq_get_body_len");
        return host.ngx_wasm_subreq_get_body_len();
      },
      ngx_wasm_yield: (): number => {
        ctx.enter("ngx_wasm_yield");
        return host.ngx_wasm_yield();
      },
      ngx_wasm_balancer_set_peer: (peerIndex: number): number => {
        ctx.enter("ngx_wasm_balancer_set_peer");
        return host.ngx_wasm_balancer_set_peer(peerIndex);
      },
      ngx_wasm_ssl_get_server_name: (bufPtr: number, bufLen: number): number => {
        ctx.enter("ngx_wasm_ssl_get_server_name");
        if (bufPtr < 0 || bufLen < 0) return Status.ERROR;
        const buf = ctx.memory.buffer(bufPtr, bufLen, "ngx_wasm_ssl_get_server_name buf");
        return host.ngx_wasm_ssl_get_server_name(buf);
      },
      ngx_wasm_ssl_reject_handshake: (alert: number): number => {
        ctx.enter("ngx_wasm_ssl_reject_handshake");
        return host.ngx_wasm_ssl_reject_handshake(alert);
      },
      ngx_wasm_ssl_set_certificate: (certPtr: number, certLen: number, keyPtr: number, keyLen: number): number => {
        ctx.enter("ngx_wasm_ssl_set_certificate");
        if (certPtr < 0 || certLen < 0 || keyPtr < 0 || keyLen < 0) return Status.ERROR;
        const cert = ctx.memory.read(certPtr, certLen, "ngx_wasm_ssl_set_certificate cert");
        const key = ctx.memory.read(keyPtr, keyLen, "ngx_wasm_ssl_set_certificate key");
        return host.ngx_wasm_ssl_set_certificate(cert, key);
      },
    },
  };
}

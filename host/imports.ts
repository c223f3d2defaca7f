// GENERATED from host-abi/abi.json by host-abi/generate.ts. Do not edit; run `make gen`.
//
// The import object of the in-process host: one entry per ABI function, each
// announced to `enter` (phase rules, re-entrancy) before the implementation runs.

import type { HostFunctionName } from "../host-abi/tables.js";

/** Every ABI function, as the host implements it (all values are i32). */
export interface HostFunctions {
  /** Write guest bytes to the nginx error log at `level` (0 STDERR .. 8 DEBUG); over 1024 bytes is truncated, never used as a format string. */
  ngx_wasm_log(level: number, ptr: number, len: number): number;
  /** Set the response status code. */
  ngx_wasm_resp_set_status(status: number): number;
  /** Get the response status code. */
  ngx_wasm_resp_get_status(): number;
  /** Set (replace) a response header; an empty value removes it. `Content-Type` overrides the default `text/plain`. */
  ngx_wasm_resp_set_header(namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number;
  /** Copy a response header value into the buffer (name matched case-insensitively). */
  ngx_wasm_resp_get_header(namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number;
  /** Set the response body to these bytes (replacing an earlier write); sent after the handler returns. */
  ngx_wasm_resp_write(ptr: number, len: number): number;
  /** Copy the current response body chunk into the buffer. */
  ngx_wasm_resp_get_body_chunk(bufPtr: number, bufLen: number): number;
  /** Tell whether the current body chunk is the last one. */
  ngx_wasm_resp_get_body_chunk_eof(): number;
  /** Replace the output for the current body chunk (not calling it passes the chunk through unchanged). */
  ngx_wasm_resp_set_body_chunk(ptr: number, len: number): number;
  /** Copy a request header value into the buffer (name matched case-insensitively). */
  ngx_wasm_req_get_header(namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number;
  /** Set (replace) a request header; an empty value removes it. */
  ngx_wasm_req_set_header(namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number;
  /** Copy the request body (read before the handler runs, bounded by `wasm_request_body_buffer_size`). */
  ngx_wasm_req_get_body(bufPtr: number, bufLen: number): number;
  /** Copy the value of an nginx variable (name without `$`). */
  ngx_wasm_var_get(namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number;
  /** Set an nginx variable (declared with `set` or otherwise changeable). */
  ngx_wasm_var_set(namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number;
  /** Write the cached wall-clock time as a little-endian u64 of milliseconds since the epoch. */
  ngx_wasm_time_unix_ms(bufPtr: number, bufLen: number): number;
  /** Write the cached monotonic time as a little-endian u64 of milliseconds. */
  ngx_wasm_time_monotonic_ms(bufPtr: number, bufLen: number): number;
  /** Copy the value stored under a key in the shared zone. */
  ngx_wasm_shm_get(keyPtr: number, keyLen: number, bufPtr: number, bufLen: number): number;
  /** Tell whether a key exists in the shared zone. */
  ngx_wasm_shm_exists(keyPtr: number, keyLen: number): number;
  /** Store a value under a key with no expiry (may evict least-recently-used entries). */
  ngx_wasm_shm_set(keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number;
  /** Store a value with a time-to-live in milliseconds (0 = none); expiry is lazy. */
  ngx_wasm_shm_set_ex(keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, ttlMsec: number): number;
  /** Store a value only if the key does not exist. */
  ngx_wasm_shm_add(keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number;
  /** Store a value only if the key exists. */
  ngx_wasm_shm_replace(keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number;
  /** Add delta to an ASCII base-10 signed 32-bit value and return the new value. The stored value must be an optional `-` then one or more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing else) within -2147483648..2147483647; the new value is stored in its shortest form (`007` + 0 → `7`) and keeps the entry's TTL. */
  ngx_wasm_shm_incr(keyPtr: number, keyLen: number, delta: number): number;
  /** Delete a key. */
  ngx_wasm_shm_delete(keyPtr: number, keyLen: number): number;
  /** Add a non-negative delta to a counter declared with `wasm_counter` (saturates at i64 max). */
  ngx_wasm_metric_counter_inc(namePtr: number, nameLen: number, delta: number): number;
  /** Set a gauge declared with `wasm_gauge`. */
  ngx_wasm_metric_gauge_set(namePtr: number, nameLen: number, value: number): number;
  /** Add a (possibly negative) delta to a gauge. */
  ngx_wasm_metric_gauge_add(namePtr: number, nameLen: number, delta: number): number;
  /** Stage a request header for the next subrequest launch. */
  ngx_wasm_subreq_set_header(namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number;
  /** Launch an nginx-internal subrequest (method numbers are nginx's; option 1 captures the body). */
  ngx_wasm_subreq(uriPtr: number, uriLen: number, argsPtr: number, argsLen: number, method: number, options: number): number;
  /** Get the status of the last finished subrequest. */
  ngx_wasm_subreq_get_status(): number;
  /** Copy a response header of the last finished subrequest. */
  ngx_wasm_subreq_get_header(namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number;
  /** Copy the captured body of the last finished subrequest. */
  ngx_wasm_subreq_get_body(bufPtr: number, bufLen: number): number;
  /** Get the length of the captured subrequest body. */
  ngx_wasm_subreq_get_body_len(): number;
  /** Give control back to nginx; the export is re-invoked later with globals and memory kept. */
  ngx_wasm_yield(): number;
  /** Choose the upstream server by zero-based index into the `upstream {}` block's servers. */
  ngx_wasm_balancer_set_peer(peerIndex: number): number;
  /** Copy the TLS server name (SNI) sent by the client. */
  ngx_wasm_ssl_get_server_name(bufPtr: number, bufLen: number): number;
  /** Reject the TLS handshake with an alert number. */
  ngx_wasm_ssl_reject_handshake(alert: number): number;
  /** Use this PEM certificate chain and private key for the handshake. */
  ngx_wasm_ssl_set_certificate(certPtr: number, certLen: number, keyPtr: number, keyLen: number): number;
}

export function buildImports(host: HostFunctions, enter: (name: HostFunctionName) => void): {
  env: Record<HostFunctionName, (...args: number[]) => number>;
} {
  return {
    env: {
      ngx_wasm_log: (level: number, ptr: number, len: number): number => {
        enter("ngx_wasm_log");
        return host.ngx_wasm_log(level, ptr, len);
      },
      ngx_wasm_resp_set_status: (status: number): number => {
        enter("ngx_wasm_resp_set_status");
        return host.ngx_wasm_resp_set_status(status);
      },
      ngx_wasm_resp_get_status: (): number => {
        enter("ngx_wasm_resp_get_status");
        return host.ngx_wasm_resp_get_status();
      },
      ngx_wasm_resp_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_resp_set_header");
        return host.ngx_wasm_resp_set_header(namePtr, nameLen, valuePtr, valueLen);
      },
      ngx_wasm_resp_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_resp_get_header");
        return host.ngx_wasm_resp_get_header(namePtr, nameLen, bufPtr, bufLen);
      },
      ngx_wasm_resp_write: (ptr: number, len: number): number => {
        enter("ngx_wasm_resp_write");
        return host.ngx_wasm_resp_write(ptr, len);
      },
      ngx_wasm_resp_get_body_chunk: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_resp_get_body_chunk");
        return host.ngx_wasm_resp_get_body_chunk(bufPtr, bufLen);
      },
      ngx_wasm_resp_get_body_chunk_eof: (): number => {
        enter("ngx_wasm_resp_get_body_chunk_eof");
        return host.ngx_wasm_resp_get_body_chunk_eof();
      },
      ngx_wasm_resp_set_body_chunk: (ptr: number, len: number): number => {
        enter("ngx_wasm_resp_set_body_chunk");
        return host.ngx_wasm_resp_set_body_chunk(ptr, len);
      },
      ngx_wasm_req_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_req_get_header");
        return host.ngx_wasm_req_get_header(namePtr, nameLen, bufPtr, bufLen);
      },
      ngx_wasm_req_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_req_set_header");
        return host.ngx_wasm_req_set_header(namePtr, nameLen, valuePtr, valueLen);
      },
      ngx_wasm_req_get_body: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_req_get_body");
        return host.ngx_wasm_req_get_body(bufPtr, bufLen);
      },
      ngx_wasm_var_get: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_var_get");
        return host.ngx_wasm_var_get(namePtr, nameLen, bufPtr, bufLen);
      },
      ngx_wasm_var_set: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_var_set");
        return host.ngx_wasm_var_set(namePtr, nameLen, valuePtr, valueLen);
      },
      ngx_wasm_time_unix_ms: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_time_unix_ms");
        return host.ngx_wasm_time_unix_ms(bufPtr, bufLen);
      },
      ngx_wasm_time_monotonic_ms: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_time_monotonic_ms");
        return host.ngx_wasm_time_monotonic_ms(bufPtr, bufLen);
      },
      ngx_wasm_shm_get: (keyPtr: number, keyLen: number, bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_shm_get");
        return host.ngx_wasm_shm_get(keyPtr, keyLen, bufPtr, bufLen);
      },
      ngx_wasm_shm_exists: (keyPtr: number, keyLen: number): number => {
        enter("ngx_wasm_shm_exists");
        return host.ngx_wasm_shm_exists(keyPtr, keyLen);
      },
      ngx_wasm_shm_set: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_shm_set");
        return host.ngx_wasm_shm_set(keyPtr, keyLen, valuePtr, valueLen);
      },
      ngx_wasm_shm_set_ex: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, ttlMsec: number): number => {
        enter("ngx_wasm_shm_set_ex");
        return host.ngx_wasm_shm_set_ex(keyPtr, keyLen, valuePtr, valueLen, ttlMsec);
      },
      ngx_wasm_shm_add: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_shm_add");
        return host.ngx_wasm_shm_add(keyPtr, keyLen, valuePtr, valueLen);
      },
      ngx_wasm_shm_replace: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_shm_replace");
        return host.ngx_wasm_shm_replace(keyPtr, keyLen, valuePtr, valueLen);
      },
      ngx_wasm_shm_incr: (keyPtr: number, keyLen: number, delta: number): number => {
        enter("ngx_wasm_shm_incr");
        return host.ngx_wasm_shm_incr(keyPtr, keyLen, delta);
      },
      ngx_wasm_shm_delete: (keyPtr: number, keyLen: number): number => {
        enter("ngx_wasm_shm_delete");
        return host.ngx_wasm_shm_delete(keyPtr, keyLen);
      },
      ngx_wasm_metric_counter_inc: (namePtr: number, nameLen: number, delta: number): number => {
        enter("ngx_wasm_metric_counter_inc");
        return host.ngx_wasm_metric_counter_inc(namePtr, nameLen, delta);
      },
      ngx_wasm_metric_gauge_set: (namePtr: number, nameLen: number, value: number): number => {
        enter("ngx_wasm_metric_gauge_set");
        return host.ngx_wasm_metric_gauge_set(namePtr, nameLen, value);
      },
      ngx_wasm_metric_gauge_add: (namePtr: number, nameLen: number, delta: number): number => {
        enter("ngx_wasm_metric_gauge_add");
        return host.ngx_wasm_metric_gauge_add(namePtr, nameLen, delta);
      },
      ngx_wasm_subreq_set_header: (namePtr: number, nameLen: number, valuePtr: number, valueLen: number): number => {
        enter("ngx_wasm_subreq_set_header");
        return host.ngx_wasm_subreq_set_header(namePtr, nameLen, valuePtr, valueLen);
      },
      ngx_wasm_subreq: (uriPtr: number, uriLen: number, argsPtr: number, argsLen: number, method: number, options: number): number => {
        enter("ngx_wasm_subreq");
        return host.ngx_wasm_subreq(uriPtr, uriLen, argsPtr, argsLen, method, options);
      },
      ngx_wasm_subreq_get_status: (): number => {
        enter("ngx_wasm_subreq_get_status");
        return host.ngx_wasm_subreq_get_status();
      },
      ngx_wasm_subreq_get_header: (namePtr: number, nameLen: number, bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_subreq_get_header");
        return host.ngx_wasm_subreq_get_header(namePtr, nameLen, bufPtr, bufLen);
      },
      ngx_wasm_subreq_get_body: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_subreq_get_body");
        return host.ngx_wasm_subreq_get_body(bufPtr, bufLen);
      },
      ngx_wasm_subreq_get_body_len: (): number => {
        enter("ngx_wasm_subreq_get_body_len");
        return host.ngx_wasm_subreq_get_body_len();
      },
      ngx_wasm_yield: (): number => {
        enter("ngx_wasm_yield");
        return host.ngx_wasm_yield();
      },
      ngx_wasm_balancer_set_peer: (peerIndex: number): number => {
        enter("ngx_wasm_balancer_set_peer");
        return host.ngx_wasm_balancer_set_peer(peerIndex);
      },
      ngx_wasm_ssl_get_server_name: (bufPtr: number, bufLen: number): number => {
        enter("ngx_wasm_ssl_get_server_name");
        return host.ngx_wasm_ssl_get_server_name(bufPtr, bufLen);
      },
      ngx_wasm_ssl_reject_handshake: (alert: number): number => {
        enter("ngx_wasm_ssl_reject_handshake");
        return host.ngx_wasm_ssl_reject_handshake(alert);
      },
      ngx_wasm_ssl_set_certificate: (certPtr: number, certLen: number, keyPtr: number, keyLen: number): number => {
        enter("ngx_wasm_ssl_set_certificate");
        return host.ngx_wasm_ssl_set_certificate(certPtr, certLen, keyPtr, keyLen);
      },
    },
  };
}

// GENERATED from host-abi/abi.json by host-abi/generate.ts. Do not edit; run `make gen`.
//
// Raw host imports of the ngx_wasm ABI v1. Prefer the typed API in the other sdk/ files.

export const ABI_VERSION: i32 = 1;

/** status constants */
export namespace Status {
  /** success */
  export const OK: i32 = 0;
  /** no such item */
  export const NOT_FOUND: i32 = -1;
  /** invalid argument or failure */
  export const ERROR: i32 = -2;
}

/** logLevel constants */
export namespace LogLevel {
  export const STDERR: i32 = 0;
  export const EMERG: i32 = 1;
  export const ALERT: i32 = 2;
  export const CRIT: i32 = 3;
  export const ERR: i32 = 4;
  export const WARN: i32 = 5;
  export const NOTICE: i32 = 6;
  export const INFO: i32 = 7;
  export const DEBUG: i32 = 8;
}

/** subrequestOption constants */
export namespace SubrequestOption {
  /** capture the subrequest response body in memory */
  export const CAPTURE_BODY: i32 = 1;
}

/** method constants */
export namespace Method {
  /** same as GET */
  export const DEFAULT: i32 = 0;
  export const GET: i32 = 2;
  export const HEAD: i32 = 4;
  export const POST: i32 = 8;
  export const PUT: i32 = 16;
  export const DELETE: i32 = 32;
  export const OPTIONS: i32 = 512;
  export const PATCH: i32 = 16384;
}

/** limit constants */
export namespace Limit {
  /** log message bytes; longer messages are truncated */
  export const LOG_MAX: i32 = 1024;
  /** shared dict key bytes */
  export const SHM_KEY_MAX: i32 = 256;
  /** shared dict value bytes */
  export const SHM_VALUE_MAX: i32 = 65535;
  /** time buffer bytes (little-endian u64 ms) */
  export const TIME_BUF_MIN: i32 = 8;
  /** guest linear memory cap in 64 KiB pages (16 MiB): a memory.grow past it fails (returns -1) */
  export const MEMORY_MAX_PAGES: i32 = 256;
}

/** Write guest bytes to the nginx error log at `level` (0 STDERR .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated, never used as a format string; control bytes other than tab are written as `\xNN`, so a message cannot forge log lines. Returns 0. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer, ssl_client_hello, ssl_certificate. SDK: log.err, log.warn, log.notice, log.info, log.debug, log.write (and any SDK abort, which logs its message). */
@external("env", "ngx_wasm_log")
export declare function ngx_wasm_log(level: i32, ptr: i32, len: i32): i32;

/** Set the response status code. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter. SDK: Response.setStatus, Response.exit, Response.redirect. */
@external("env", "ngx_wasm_resp_set_status")
export declare function ngx_wasm_resp_set_status(status: i32): i32;

/** Get the response status code. Returns status. Phases: server_rewrite, rewrite, access, content, log. SDK: Response.status. */
@external("env", "ngx_wasm_resp_get_status")
export declare function ngx_wasm_resp_get_status(): i32;

/** Set (replace) a response header; an empty value removes it. `Content-Type` overrides the default `text/plain`. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter. SDK: Response.setHeader, Response.removeHeader, Response.setContentType, Response.redirect. */
@external("env", "ngx_wasm_resp_set_header")
export declare function ngx_wasm_resp_set_header(name_ptr: i32, name_len: i32, value_ptr: i32, value_len: i32): i32;

/** Copy a response header value into the buffer (name matched case-insensitively). Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter. SDK: Response.header. */
@external("env", "ngx_wasm_resp_get_header")
export declare function ngx_wasm_resp_get_header(name_ptr: i32, name_len: i32, buf_ptr: i32, buf_len: i32): i32;

/** Set the response body to these bytes (replacing an earlier write); sent after the handler returns. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Response.say, Response.print, Response.write, Response.json (handle() writes that body when the handler returns), Response.flush, Response.exit. */
@external("env", "ngx_wasm_resp_write")
export declare function ngx_wasm_resp_write(ptr: i32, len: i32): i32;

/** Copy the current response body chunk into the buffer. Returns len / -1 / -2. Phases: body_filter. SDK: BodyChunk.read, BodyChunk.text. */
@external("env", "ngx_wasm_resp_get_body_chunk")
export declare function ngx_wasm_resp_get_body_chunk(buf_ptr: i32, buf_len: i32): i32;

/** Tell whether the current body chunk is the last one. Returns 0 / 1 / -1. Phases: body_filter. SDK: BodyChunk.isLast. */
@external("env", "ngx_wasm_resp_get_body_chunk_eof")
export declare function ngx_wasm_resp_get_body_chunk_eof(): i32;

/** Replace the output for the current body chunk (not calling it passes the chunk through unchanged). Returns 0 / -2. Phases: body_filter. SDK: BodyChunk.replace. */
@external("env", "ngx_wasm_resp_set_body_chunk")
export declare function ngx_wasm_resp_set_body_chunk(ptr: i32, len: i32): i32;

/** Copy a request header value into the buffer (name matched case-insensitively). Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: Request.header. */
@external("env", "ngx_wasm_req_get_header")
export declare function ngx_wasm_req_get_header(name_ptr: i32, name_len: i32, buf_ptr: i32, buf_len: i32): i32;

/** Set (replace) a request header; an empty value removes it. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Request.setHeader, Request.removeHeader. */
@external("env", "ngx_wasm_req_set_header")
export declare function ngx_wasm_req_set_header(name_ptr: i32, name_len: i32, value_ptr: i32, value_len: i32): i32;

/** Copy the request body, read before the handler runs. A body larger than `wasm_request_body_buffer_size` (by Content-Length, or once read when chunked) is answered 413 before a guest importing this function runs, with one error-log line naming the directive and its limit, as the reference host does. Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Request.body, Request.bodyText. */
@external("env", "ngx_wasm_req_get_body")
export declare function ngx_wasm_req_get_body(buf_ptr: i32, buf_len: i32): i32;

/** Copy the value of an nginx variable (name without `$`). Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: Variables.get, Request.method, Request.uri, Request.args, Request.query, Request.remoteAddress, Request.host, Request.scheme, Balancer.peers, Balancer.tryNumber, Math.random (its seed). */
@external("env", "ngx_wasm_var_get")
export declare function ngx_wasm_var_get(name_ptr: i32, name_len: i32, buf_ptr: i32, buf_len: i32): i32;

/** Set an nginx variable (declared with `set` or otherwise changeable). Returns 0 / -1 / -2. Phases: server_rewrite, rewrite, access, content, balancer. SDK: Variables.set. */
@external("env", "ngx_wasm_var_set")
export declare function ngx_wasm_var_set(name_ptr: i32, name_len: i32, value_ptr: i32, value_len: i32): i32;

/** Write the cached wall-clock time as a little-endian u64 of milliseconds since the epoch. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer, ssl_client_hello, ssl_certificate. SDK: Time.unixMs, Time.unixSeconds, Math.random (its seed). */
@external("env", "ngx_wasm_time_unix_ms")
export declare function ngx_wasm_time_unix_ms(buf_ptr: i32, buf_len: i32): i32;

/** Write the cached monotonic time as a little-endian u64 of milliseconds. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer, ssl_client_hello, ssl_certificate. SDK: Time.monotonicMs, Math.random (its seed). */
@external("env", "ngx_wasm_time_monotonic_ms")
export declare function ngx_wasm_time_monotonic_ms(buf_ptr: i32, buf_len: i32): i32;

/** Copy the value stored under a key in the shared zone. Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.get, SharedDict.getBytes. */
@external("env", "ngx_wasm_shm_get")
export declare function ngx_wasm_shm_get(key_ptr: i32, key_len: i32, buf_ptr: i32, buf_len: i32): i32;

/** Tell whether a key exists in the shared zone. Returns 0 / 1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.exists. */
@external("env", "ngx_wasm_shm_exists")
export declare function ngx_wasm_shm_exists(key_ptr: i32, key_len: i32): i32;

/** Store a value under a key with no expiry (may evict least-recently-used entries). Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.set. */
@external("env", "ngx_wasm_shm_set")
export declare function ngx_wasm_shm_set(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32): i32;

/** Store a value with a time-to-live in milliseconds (0 = none); expiry is lazy. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.setEx. */
@external("env", "ngx_wasm_shm_set_ex")
export declare function ngx_wasm_shm_set_ex(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32, ttl_msec: i32): i32;

/** Store a value only if the key does not exist. Returns 0 / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.add. */
@external("env", "ngx_wasm_shm_add")
export declare function ngx_wasm_shm_add(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32): i32;

/** Store a value only if the key exists. Returns 0 / -1 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.replace. */
@external("env", "ngx_wasm_shm_replace")
export declare function ngx_wasm_shm_replace(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32): i32;

/** Add delta to an ASCII base-10 signed 32-bit value and return the new value. The stored value must be an optional `-` then one or more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing else) within -2147483648..2147483647; the new value is stored in its shortest form (`007` + 0 → `7`) and keeps the entry's TTL. Returns value / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.incr. */
@external("env", "ngx_wasm_shm_incr")
export declare function ngx_wasm_shm_incr(key_ptr: i32, key_len: i32, delta: i32): i32;

/** Delete a key. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: SharedDict.delete. */
@external("env", "ngx_wasm_shm_delete")
export declare function ngx_wasm_shm_delete(key_ptr: i32, key_len: i32): i32;

/** Add a non-negative delta to a counter declared with `wasm_counter` (saturates at i64 max). Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: Counter.inc. */
@external("env", "ngx_wasm_metric_counter_inc")
export declare function ngx_wasm_metric_counter_inc(name_ptr: i32, name_len: i32, delta: i32): i32;

/** Set a gauge declared with `wasm_gauge`. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: Gauge.set. */
@external("env", "ngx_wasm_metric_gauge_set")
export declare function ngx_wasm_metric_gauge_set(name_ptr: i32, name_len: i32, value: i32): i32;

/** Add a (possibly negative) delta to a gauge. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content, header_filter, body_filter, log, balancer. SDK: Gauge.add. */
@external("env", "ngx_wasm_metric_gauge_add")
export declare function ngx_wasm_metric_gauge_add(name_ptr: i32, name_len: i32, delta: i32): i32;

/** Stage a request header for the next subrequest launch. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.setHeader. */
@external("env", "ngx_wasm_subreq_set_header")
export declare function ngx_wasm_subreq_set_header(name_ptr: i32, name_len: i32, value_ptr: i32, value_len: i32): i32;

/** Launch an nginx-internal subrequest to any location of the server (static files, return, proxy_pass, a location running a guest); method numbers are nginx's, option 1 captures the response body in memory, up to the host's buffer (nginx: wasm_subrequest_buffer_size, default 64k; a larger body is not captured: subreq_get_body and subreq_get_body_len return -2, the status and headers stay readable). The uri is refused (-2) when it does not start with /, holds a NUL or a .. segment (also %-encoded), or carries ?args while args are given too; ?args in the uri are the args. The staged headers replace the parent's of the same name. One subrequest at a time; a subrequest that fails (404, 502, 504, an internal error) reports its status to the guest, it does not fail the parent. Returns 0 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.fetch. */
@external("env", "ngx_wasm_subreq")
export declare function ngx_wasm_subreq(uri_ptr: i32, uri_len: i32, args_ptr: i32, args_len: i32, method: i32, options: i32): i32;

/** Get the status of the last finished subrequest. Returns status / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.status. */
@external("env", "ngx_wasm_subreq_get_status")
export declare function ngx_wasm_subreq_get_status(): i32;

/** Copy a response header of the last finished subrequest. Returns len / -1 / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.header. */
@external("env", "ngx_wasm_subreq_get_header")
export declare function ngx_wasm_subreq_get_header(name_ptr: i32, name_len: i32, buf_ptr: i32, buf_len: i32): i32;

/** Copy the captured body of the last finished subrequest (-2 when it was launched without option 1, or its body was larger than the host's buffer: wasm_subrequest_buffer_size on nginx). Returns len / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.body, Subrequest.bodyText. */
@external("env", "ngx_wasm_subreq_get_body")
export declare function ngx_wasm_subreq_get_body(buf_ptr: i32, buf_len: i32): i32;

/** Get the length of the captured subrequest body. Returns len / -2. Phases: server_rewrite, rewrite, access, content. SDK: Subrequest.body, Subrequest.bodyText. */
@external("env", "ngx_wasm_subreq_get_body_len")
export declare function ngx_wasm_subreq_get_body_len(): i32;

/** Give control back to nginx; the export is re-invoked later with globals and memory kept. Returns 0. Phases: server_rewrite, rewrite, access, content. SDK: yieldNow. */
@external("env", "ngx_wasm_yield")
export declare function ngx_wasm_yield(): i32;

/** Choose the upstream server by zero-based index into the `upstream {}` block's servers. Returns 0 / -2. Phases: balancer. SDK: Balancer.setPeer. */
@external("env", "ngx_wasm_balancer_set_peer")
export declare function ngx_wasm_balancer_set_peer(peer_index: i32): i32;

/** Copy the TLS server name (SNI) sent by the client. Returns len / -1. Phases: ssl_client_hello, ssl_certificate. SDK: Ssl.serverName. */
@external("env", "ngx_wasm_ssl_get_server_name")
export declare function ngx_wasm_ssl_get_server_name(buf_ptr: i32, buf_len: i32): i32;

/** Reject the TLS handshake with an alert number. Returns 0. Phases: ssl_client_hello, ssl_certificate. SDK: Ssl.rejectHandshake. */
@external("env", "ngx_wasm_ssl_reject_handshake")
export declare function ngx_wasm_ssl_reject_handshake(alert: i32): i32;

/** Use this PEM certificate chain and private key for the handshake. Returns 0 / -2. Phases: ssl_certificate. SDK: Ssl.setCertificate. */
@external("env", "ngx_wasm_ssl_set_certificate")
export declare function ngx_wasm_ssl_set_certificate(cert_ptr: i32, cert_len: i32, key_ptr: i32, key_len: i32): i32;

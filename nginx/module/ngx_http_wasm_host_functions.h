/* GENERATED from host-abi/abi.json by host-abi/host-layer.ts. Do not edit; run `make gen`. */

/*
 * The semantics of every ABI function the nginx host implements, called by
 * the generated wrapper (ngx_http_wasm_host_functions.c) with its ranges
 * checked: each (X_ptr, X_len) pair arrives as u_char *X, size_t X_len
 * inside guest memory. A definition that differs from these prototypes
 * does not compile.
 */

#ifndef _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_
#define _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_LOG)
/*
 * ngx_wasm_log: Write guest bytes to the nginx error log at `level` (0 STDERR
 * .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated,
 * never used as a format string; control bytes other than tab are written as
 * `\xNN`, so a message cannot forge log lines.
 */
int32_t ngx_http_wasm_log(ngx_http_wasm_instance_t *wi, int32_t level,
    u_char *data, size_t data_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)
/*
 * ngx_wasm_resp_set_status: Set the response status code.
 */
int32_t ngx_http_wasm_resp_set_status(ngx_http_wasm_instance_t *wi,
    int32_t status);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)
/*
 * ngx_wasm_resp_get_status: Get the response status code.
 */
int32_t ngx_http_wasm_resp_get_status(ngx_http_wasm_instance_t *wi);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)
/*
 * ngx_wasm_resp_set_header: Set (replace) a response header; an empty value
 * removes it. `Content-Type` overrides the default `text/plain`.
 */
int32_t ngx_http_wasm_resp_set_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)
/*
 * ngx_wasm_resp_get_header: Copy a response header value into the buffer (name
 * matched case-insensitively).
 */
int32_t ngx_http_wasm_resp_get_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)
/*
 * ngx_wasm_resp_write: Set the response body to these bytes (replacing an
 * earlier write); sent after the handler returns.
 */
int32_t ngx_http_wasm_resp_write(ngx_http_wasm_instance_t *wi, u_char *data,
    size_t data_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)
/*
 * ngx_wasm_resp_get_body_chunk: Copy the current response body chunk into the
 * buffer.
 */
int32_t ngx_http_wasm_resp_get_body_chunk(ngx_http_wasm_instance_t *wi,
    u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)
/*
 * ngx_wasm_resp_get_body_chunk_eof: Tell whether the current body chunk is the
 * last one.
 */
int32_t ngx_http_wasm_resp_get_body_chunk_eof(ngx_http_wasm_instance_t *wi);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)
/*
 * ngx_wasm_resp_set_body_chunk: Replace the output for the current body chunk
 * (not calling it passes the chunk through unchanged).
 */
int32_t ngx_http_wasm_resp_set_body_chunk(ngx_http_wasm_instance_t *wi,
    u_char *data, size_t data_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)
/*
 * ngx_wasm_req_get_header: Copy a request header value into the buffer (name
 * matched case-insensitively).
 */
int32_t ngx_http_wasm_req_get_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)
/*
 * ngx_wasm_req_set_header: Set (replace) a request header; an empty value
 * removes it.
 */
int32_t ngx_http_wasm_req_set_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)
/*
 * ngx_wasm_req_get_body: Copy the request body, read before the handler runs.
 * A body larger than `wasm_request_body_buffer_size` (by Content-Length, or
 * once read when chunked) is answered 413 before a guest importing this
 * function runs, with one error-log line naming the directive and its limit,
 * as the reference host does.
 */
int32_t ngx_http_wasm_req_get_body(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_VARIABLES)
/*
 * ngx_wasm_var_get: Copy the value of an nginx variable (name without `$`).
 */
int32_t ngx_http_wasm_var_get(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_VARIABLES)
/*
 * ngx_wasm_var_set: Set an nginx variable (declared with `set` or otherwise
 * changeable).
 */
int32_t ngx_http_wasm_var_set(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_TIME)
/*
 * ngx_wasm_time_unix_ms: Write the cached wall-clock time as a little-endian
 * u64 of milliseconds since the epoch.
 */
int32_t ngx_http_wasm_time_unix_ms(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_TIME)
/*
 * ngx_wasm_time_monotonic_ms: Write the cached monotonic time as a
 * little-endian u64 of milliseconds.
 */
int32_t ngx_http_wasm_time_monotonic_ms(ngx_http_wasm_instance_t *wi,
    u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_get: Copy the value stored under a key in the shared zone.
 */
int32_t ngx_http_wasm_shm_get(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_exists: Tell whether a key exists in the shared zone.
 */
int32_t ngx_http_wasm_shm_exists(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_set: Store a value under a key with no expiry (may evict
 * least-recently-used entries).
 */
int32_t ngx_http_wasm_shm_set(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_set_ex: Store a value with a time-to-live in milliseconds (0 =
 * none); expiry is lazy.
 */
int32_t ngx_http_wasm_shm_set_ex(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len, int32_t ttl_msec);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_add: Store a value only if the key does not exist.
 */
int32_t ngx_http_wasm_shm_add(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_replace: Store a value only if the key exists.
 */
int32_t ngx_http_wasm_shm_replace(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_incr: Add delta to an ASCII base-10 signed 32-bit value and
 * return the new value. The stored value must be an optional `-` then one or
 * more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing
 * else) within -2147483648..2147483647; the new value is stored in its
 * shortest form (`007` + 0 → `7`) and keeps the entry's TTL.
 */
int32_t ngx_http_wasm_shm_incr(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, int32_t delta);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)
/*
 * ngx_wasm_shm_delete: Delete a key.
 */
int32_t ngx_http_wasm_shm_delete(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)
/*
 * ngx_wasm_metric_counter_inc: Add a non-negative delta to a counter declared
 * with `wasm_counter` (saturates at i64 max).
 */
int32_t ngx_http_wasm_metric_counter_inc(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, int32_t delta);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)
/*
 * ngx_wasm_metric_gauge_set: Set a gauge declared with `wasm_gauge`.
 */
int32_t ngx_http_wasm_metric_gauge_set(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, int32_t value);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)
/*
 * ngx_wasm_metric_gauge_add: Add a (possibly negative) delta to a gauge.
 */
int32_t ngx_http_wasm_metric_gauge_add(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, int32_t delta);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq_set_header: Stage a request header for the next subrequest
 * launch.
 */
int32_t ngx_http_wasm_subreq_set_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *value, size_t value_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq: Launch an nginx-internal subrequest to any location of the
 * server (static files, return, proxy_pass, a location running a guest);
 * method numbers are nginx's, option 1 captures the response body in memory,
 * up to the host's buffer (nginx: wasm_subrequest_buffer_size, default 64k; a
 * larger body is not captured: subreq_get_body and subreq_get_body_len return
 * -2, the status and headers stay readable). The uri is refused (-2) when it
 * does not start with /, holds a NUL or a .. segment (also %-encoded), or
 * carries ?args while args are given too; ?args in the uri are the args. The
 * staged headers replace the parent's of the same name. One subrequest at a
 * time; a subrequest that fails (404, 502, 504, an internal error) reports its
 * status to the guest, it does not fail the parent.
 */
int32_t ngx_http_wasm_subreq(ngx_http_wasm_instance_t *wi, u_char *uri,
    size_t uri_len, u_char *args, size_t args_len, int32_t method,
    int32_t options);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq_get_status: Get the status of the last finished subrequest.
 */
int32_t ngx_http_wasm_subreq_get_status(ngx_http_wasm_instance_t *wi);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq_get_header: Copy a response header of the last finished
 * subrequest.
 */
int32_t ngx_http_wasm_subreq_get_header(ngx_http_wasm_instance_t *wi,
    u_char *name, size_t name_len, u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq_get_body: Copy the captured body of the last finished
 * subrequest (-2 when it was launched without option 1, or its body was larger
 * than the host's buffer: wasm_subrequest_buffer_size on nginx).
 */
int32_t ngx_http_wasm_subreq_get_body(ngx_http_wasm_instance_t *wi,
    u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)
/*
 * ngx_wasm_subreq_get_body_len: Get the length of the captured subrequest
 * body.
 */
int32_t ngx_http_wasm_subreq_get_body_len(ngx_http_wasm_instance_t *wi);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_YIELD)
/*
 * ngx_wasm_yield: Give control back to nginx; the export is re-invoked later
 * with globals and memory kept.
 */
int32_t ngx_http_wasm_yield(ngx_http_wasm_instance_t *wi);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BALANCER)
/*
 * ngx_wasm_balancer_set_peer: Choose the upstream server by zero-based index
 * into the `upstream {}` block's servers.
 */
int32_t ngx_http_wasm_balancer_set_peer(ngx_http_wasm_instance_t *wi,
    int32_t peer_index);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)
/*
 * ngx_wasm_ssl_get_server_name: Copy the TLS server name (SNI) sent by the
 * client.
 */
int32_t ngx_http_wasm_ssl_get_server_name(ngx_http_wasm_instance_t *wi,
    u_char *buf, size_t buf_len);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)
/*
 * ngx_wasm_ssl_reject_handshake: Reject the TLS handshake with an alert
 * number.
 */
int32_t ngx_http_wasm_ssl_reject_handshake(ngx_http_wasm_instance_t *wi,
    int32_t alert);
#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)
/*
 * ngx_wasm_ssl_set_certificate: Use this PEM certificate chain and private key
 * for the handshake.
 */
int32_t ngx_http_wasm_ssl_set_certificate(ngx_http_wasm_instance_t *wi,
    u_char *cert, size_t cert_len, u_char *key, size_t key_len);
#endif

#endif /* _NGX_HTTP_WASM_HOST_FUNCTIONS_H_INCLUDED_ */

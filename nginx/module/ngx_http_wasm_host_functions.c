/* GENERATED from host-abi/abi.json by host-abi/host-layer.ts. Do not edit; run `make gen`. */

/*
 * The import every compiled guest calls (wasm2c: Z_envZ_<name>), for each
 * ABI function of an area the nginx host implements: phase gate, then
 * every (ptr, len) pair checked in one order (negative: NGX_WASM_ERROR;
 * outside guest memory: trap), header rules for header setters, then the
 * hand-written semantics, then the one exit (ngx_http_wasm_host_end).
 */

#include "ngx_http_wasm_module.h"


#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_LOG)

/*
 * ngx_wasm_log: Write guest bytes to the nginx error log at `level` (0 STDERR
 * .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated,
 * never used as a format string; control bytes other than tab are written as
 * `\xNN`, so a message cannot forge log lines.
 */
uint32_t
Z_envZ_ngx_wasm_log(ngx_http_wasm_instance_t *wi, uint32_t level, uint32_t ptr,
    uint32_t len)
{
    u_char  *data;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_log);

    if (ngx_http_wasm_negative(ptr, len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    data = ngx_http_wasm_guest_mem(wi, ptr, len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_log(wi, (int32_t) level, data, len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)

/*
 * ngx_wasm_resp_set_status: Set the response status code.
 */
uint32_t
Z_envZ_ngx_wasm_resp_set_status(ngx_http_wasm_instance_t *wi, uint32_t status)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_set_status);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_set_status(wi, (int32_t) status));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)

/*
 * ngx_wasm_resp_get_status: Get the response status code.
 */
uint32_t
Z_envZ_ngx_wasm_resp_get_status(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_get_status);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_get_status(wi));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)

/*
 * ngx_wasm_resp_set_header: Set (replace) a response header; an empty value
 * removes it. `Content-Type` overrides the default `text/plain`.
 */
uint32_t
Z_envZ_ngx_wasm_resp_set_header(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t value_ptr,
    uint32_t value_len)
{
    u_char  *name, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_set_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    /* header rules (abi.json "headers"): no CR/LF on the wire */
    if (!ngx_wasm_header_name_valid(name, name_len)
        || !ngx_wasm_header_value_valid(value, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_set_header(wi, name, name_len, value,
                   value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)

/*
 * ngx_wasm_resp_get_header: Copy a response header value into the buffer (name
 * matched case-insensitively).
 */
uint32_t
Z_envZ_ngx_wasm_resp_get_header(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *name, *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_get_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf_ptr, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_get_header(wi, name, name_len, buf,
                   buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_RESPONSE)

/*
 * ngx_wasm_resp_write: Set the response body to these bytes (replacing an
 * earlier write); sent after the handler returns.
 */
uint32_t
Z_envZ_ngx_wasm_resp_write(ngx_http_wasm_instance_t *wi, uint32_t ptr,
    uint32_t len)
{
    u_char  *data;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_write);

    if (ngx_http_wasm_negative(ptr, len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    data = ngx_http_wasm_guest_mem(wi, ptr, len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_write(wi, data, len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)

/*
 * ngx_wasm_resp_get_body_chunk: Copy the current response body chunk into the
 * buffer.
 */
uint32_t
Z_envZ_ngx_wasm_resp_get_body_chunk(ngx_http_wasm_instance_t *wi,
    uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_get_body_chunk);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_get_body_chunk(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)

/*
 * ngx_wasm_resp_get_body_chunk_eof: Tell whether the current body chunk is the
 * last one.
 */
uint32_t
Z_envZ_ngx_wasm_resp_get_body_chunk_eof(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_get_body_chunk_eof);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_get_body_chunk_eof(wi));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BODY_FILTER)

/*
 * ngx_wasm_resp_set_body_chunk: Replace the output for the current body chunk
 * (not calling it passes the chunk through unchanged).
 */
uint32_t
Z_envZ_ngx_wasm_resp_set_body_chunk(ngx_http_wasm_instance_t *wi, uint32_t ptr,
    uint32_t len)
{
    u_char  *data;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_resp_set_body_chunk);

    if (ngx_http_wasm_negative(ptr, len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    data = ngx_http_wasm_guest_mem(wi, ptr, len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_resp_set_body_chunk(wi, data, len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)

/*
 * ngx_wasm_req_get_header: Copy a request header value into the buffer (name
 * matched case-insensitively).
 */
uint32_t
Z_envZ_ngx_wasm_req_get_header(ngx_http_wasm_instance_t *wi, uint32_t name_ptr,
    uint32_t name_len, uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *name, *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_req_get_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf_ptr, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_req_get_header(wi, name, name_len, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)

/*
 * ngx_wasm_req_set_header: Set (replace) a request header; an empty value
 * removes it.
 */
uint32_t
Z_envZ_ngx_wasm_req_set_header(ngx_http_wasm_instance_t *wi, uint32_t name_ptr,
    uint32_t name_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char  *name, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_req_set_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    /* header rules (abi.json "headers"): no CR/LF on the wire */
    if (!ngx_wasm_header_name_valid(name, name_len)
        || !ngx_wasm_header_value_valid(value, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    return ngx_http_wasm_host_end(
               ngx_http_wasm_req_set_header(wi, name, name_len, value,
                   value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_REQUEST)

/*
 * ngx_wasm_req_get_body: Copy the request body, read before the handler runs.
 * A body larger than `wasm_request_body_buffer_size` (by Content-Length, or
 * once read when chunked) is answered 413 before a guest importing this
 * function runs, with one error-log line naming the directive and its limit,
 * as the reference host does.
 */
uint32_t
Z_envZ_ngx_wasm_req_get_body(ngx_http_wasm_instance_t *wi, uint32_t buf_ptr,
    uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_req_get_body);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_req_get_body(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_VARIABLES)

/*
 * ngx_wasm_var_get: Copy the value of an nginx variable (name without `$`).
 */
uint32_t
Z_envZ_ngx_wasm_var_get(ngx_http_wasm_instance_t *wi, uint32_t name_ptr,
    uint32_t name_len, uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *name, *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_var_get);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf_ptr, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_var_get(wi, name, name_len, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_VARIABLES)

/*
 * ngx_wasm_var_set: Set an nginx variable (declared with `set` or otherwise
 * changeable).
 */
uint32_t
Z_envZ_ngx_wasm_var_set(ngx_http_wasm_instance_t *wi, uint32_t name_ptr,
    uint32_t name_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char  *name, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_var_set);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_var_set(wi, name, name_len, value, value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_TIME)

/*
 * ngx_wasm_time_unix_ms: Write the cached wall-clock time as a little-endian
 * u64 of milliseconds since the epoch.
 */
uint32_t
Z_envZ_ngx_wasm_time_unix_ms(ngx_http_wasm_instance_t *wi, uint32_t buf_ptr,
    uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_time_unix_ms);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_time_unix_ms(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_TIME)

/*
 * ngx_wasm_time_monotonic_ms: Write the cached monotonic time as a
 * little-endian u64 of milliseconds.
 */
uint32_t
Z_envZ_ngx_wasm_time_monotonic_ms(ngx_http_wasm_instance_t *wi,
    uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_time_monotonic_ms);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_time_monotonic_ms(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_get: Copy the value stored under a key in the shared zone.
 */
uint32_t
Z_envZ_ngx_wasm_shm_get(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *key, *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_get);

    if (ngx_http_wasm_negative(key_ptr, key_len)
        || ngx_http_wasm_negative(buf_ptr, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);
    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_get(wi, key, key_len, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_exists: Tell whether a key exists in the shared zone.
 */
uint32_t
Z_envZ_ngx_wasm_shm_exists(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len)
{
    u_char  *key;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_exists);

    if (ngx_http_wasm_negative(key_ptr, key_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_exists(wi, key, key_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_set: Store a value under a key with no expiry (may evict
 * least-recently-used entries).
 */
uint32_t
Z_envZ_ngx_wasm_shm_set(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char  *key, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_set);

    if (ngx_http_wasm_negative(key_ptr, key_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_set(wi, key, key_len, value, value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_set_ex: Store a value with a time-to-live in milliseconds (0 =
 * none); expiry is lazy.
 */
uint32_t
Z_envZ_ngx_wasm_shm_set_ex(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t value_ptr, uint32_t value_len,
    uint32_t ttl_msec)
{
    u_char  *key, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_set_ex);

    if (ngx_http_wasm_negative(key_ptr, key_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_set_ex(wi, key, key_len, value, value_len,
                   (int32_t) ttl_msec));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_add: Store a value only if the key does not exist.
 */
uint32_t
Z_envZ_ngx_wasm_shm_add(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char  *key, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_add);

    if (ngx_http_wasm_negative(key_ptr, key_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_add(wi, key, key_len, value, value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_replace: Store a value only if the key exists.
 */
uint32_t
Z_envZ_ngx_wasm_shm_replace(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char  *key, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_replace);

    if (ngx_http_wasm_negative(key_ptr, key_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_replace(wi, key, key_len, value, value_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_incr: Add delta to an ASCII base-10 signed 32-bit value and
 * return the new value. The stored value must be an optional `-` then one or
 * more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing
 * else) within -2147483648..2147483647; the new value is stored in its
 * shortest form (`007` + 0 → `7`) and keeps the entry's TTL.
 */
uint32_t
Z_envZ_ngx_wasm_shm_incr(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len, uint32_t delta)
{
    u_char  *key;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_incr);

    if (ngx_http_wasm_negative(key_ptr, key_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_incr(wi, key, key_len, (int32_t) delta));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SHARED_DICT)

/*
 * ngx_wasm_shm_delete: Delete a key.
 */
uint32_t
Z_envZ_ngx_wasm_shm_delete(ngx_http_wasm_instance_t *wi, uint32_t key_ptr,
    uint32_t key_len)
{
    u_char  *key;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_shm_delete);

    if (ngx_http_wasm_negative(key_ptr, key_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_shm_delete(wi, key, key_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)

/*
 * ngx_wasm_metric_counter_inc: Add a non-negative delta to a counter declared
 * with `wasm_counter` (saturates at i64 max).
 */
uint32_t
Z_envZ_ngx_wasm_metric_counter_inc(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t delta)
{
    u_char  *name;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_metric_counter_inc);

    if (ngx_http_wasm_negative(name_ptr, name_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_metric_counter_inc(wi, name, name_len,
                   (int32_t) delta));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)

/*
 * ngx_wasm_metric_gauge_set: Set a gauge declared with `wasm_gauge`.
 */
uint32_t
Z_envZ_ngx_wasm_metric_gauge_set(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t value)
{
    u_char  *name;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_metric_gauge_set);

    if (ngx_http_wasm_negative(name_ptr, name_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_metric_gauge_set(wi, name, name_len,
                   (int32_t) value));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_METRICS)

/*
 * ngx_wasm_metric_gauge_add: Add a (possibly negative) delta to a gauge.
 */
uint32_t
Z_envZ_ngx_wasm_metric_gauge_add(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t delta)
{
    u_char  *name;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_metric_gauge_add);

    if (ngx_http_wasm_negative(name_ptr, name_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_metric_gauge_add(wi, name, name_len,
                   (int32_t) delta));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)

/*
 * ngx_wasm_subreq_set_header: Stage a request header for the next subrequest
 * launch.
 */
uint32_t
Z_envZ_ngx_wasm_subreq_set_header(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t value_ptr,
    uint32_t value_len)
{
    u_char  *name, *value;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq_set_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len);

    /* header rules (abi.json "headers"): no CR/LF on the wire */
    if (!ngx_wasm_header_name_valid(name, name_len)
        || !ngx_wasm_header_value_valid(value, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq_set_header(wi, name, name_len, value,
                   value_len));
}

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
uint32_t
Z_envZ_ngx_wasm_subreq(ngx_http_wasm_instance_t *wi, uint32_t uri_ptr,
    uint32_t uri_len, uint32_t args_ptr, uint32_t args_len, uint32_t method,
    uint32_t options)
{
    u_char  *uri, *args;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq);

    if (ngx_http_wasm_negative(uri_ptr, uri_len)
        || ngx_http_wasm_negative(args_ptr, args_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    uri = ngx_http_wasm_guest_mem(wi, uri_ptr, uri_len);
    args = ngx_http_wasm_guest_mem(wi, args_ptr, args_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq(wi, uri, uri_len, args, args_len,
                   (int32_t) method, (int32_t) options));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)

/*
 * ngx_wasm_subreq_get_status: Get the status of the last finished subrequest.
 */
uint32_t
Z_envZ_ngx_wasm_subreq_get_status(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq_get_status);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq_get_status(wi));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)

/*
 * ngx_wasm_subreq_get_header: Copy a response header of the last finished
 * subrequest.
 */
uint32_t
Z_envZ_ngx_wasm_subreq_get_header(ngx_http_wasm_instance_t *wi,
    uint32_t name_ptr, uint32_t name_len, uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *name, *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq_get_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf_ptr, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len);
    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq_get_header(wi, name, name_len, buf,
                   buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)

/*
 * ngx_wasm_subreq_get_body: Copy the captured body of the last finished
 * subrequest (-2 when it was launched without option 1, or its body was larger
 * than the host's buffer: wasm_subrequest_buffer_size on nginx).
 */
uint32_t
Z_envZ_ngx_wasm_subreq_get_body(ngx_http_wasm_instance_t *wi, uint32_t buf_ptr,
    uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq_get_body);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq_get_body(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SUBREQUEST)

/*
 * ngx_wasm_subreq_get_body_len: Get the length of the captured subrequest
 * body.
 */
uint32_t
Z_envZ_ngx_wasm_subreq_get_body_len(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_subreq_get_body_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_subreq_get_body_len(wi));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_YIELD)

/*
 * ngx_wasm_yield: Give control back to nginx; the export is re-invoked later
 * with globals and memory kept.
 */
uint32_t
Z_envZ_ngx_wasm_yield(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_yield);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_yield(wi));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_BALANCER)

/*
 * ngx_wasm_balancer_set_peer: Choose the upstream server by zero-based index
 * into the `upstream {}` block's servers.
 */
uint32_t
Z_envZ_ngx_wasm_balancer_set_peer(ngx_http_wasm_instance_t *wi,
    uint32_t peer_index)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_balancer_set_peer);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_balancer_set_peer(wi, (int32_t) peer_index));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)

/*
 * ngx_wasm_ssl_get_server_name: Copy the TLS server name (SNI) sent by the
 * client.
 */
uint32_t
Z_envZ_ngx_wasm_ssl_get_server_name(ngx_http_wasm_instance_t *wi,
    uint32_t buf_ptr, uint32_t buf_len)
{
    u_char  *buf;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_ssl_get_server_name);

    if (ngx_http_wasm_negative(buf_ptr, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    buf = ngx_http_wasm_guest_mem(wi, buf_ptr, buf_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_ssl_get_server_name(wi, buf, buf_len));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)

/*
 * ngx_wasm_ssl_reject_handshake: Reject the TLS handshake with an alert
 * number.
 */
uint32_t
Z_envZ_ngx_wasm_ssl_reject_handshake(ngx_http_wasm_instance_t *wi,
    uint32_t alert)
{
    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_ssl_reject_handshake);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_ssl_reject_handshake(wi, (int32_t) alert));
}

#endif

#if (NGX_WASM_HOST_NGINX_AREAS & NGX_WASM_AREA_SSL)

/*
 * ngx_wasm_ssl_set_certificate: Use this PEM certificate chain and private key
 * for the handshake.
 */
uint32_t
Z_envZ_ngx_wasm_ssl_set_certificate(ngx_http_wasm_instance_t *wi,
    uint32_t cert_ptr, uint32_t cert_len, uint32_t key_ptr, uint32_t key_len)
{
    u_char  *cert, *key;

    ngx_http_wasm_host_begin(wi, NGX_HTTP_WASM_FN_ngx_wasm_ssl_set_certificate);

    if (ngx_http_wasm_negative(cert_ptr, cert_len)
        || ngx_http_wasm_negative(key_ptr, key_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    cert = ngx_http_wasm_guest_mem(wi, cert_ptr, cert_len);
    key = ngx_http_wasm_guest_mem(wi, key_ptr, key_len);

    return ngx_http_wasm_host_end(
               ngx_http_wasm_ssl_set_certificate(wi, cert, cert_len, key,
                   key_len));
}

#endif

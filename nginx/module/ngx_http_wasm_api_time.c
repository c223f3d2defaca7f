/*
 * ngx_wasm_time_unix_ms, ngx_wasm_time_monotonic_ms: nginx's cached time as
 * a little-endian u64 of milliseconds in an 8-byte guest buffer.
 */

#include "ngx_http_wasm_module.h"


static uint32_t
ngx_http_wasm_write_ms(ngx_http_wasm_instance_t *wi, uint32_t buf,
    uint32_t buf_len, uint64_t ms, ngx_uint_t function)
{
    u_char      *p;
    ngx_uint_t   i;

    if (ngx_http_wasm_negative(buf, buf_len)
        || buf_len < NGX_WASM_TIME_BUF_MIN)
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    p = ngx_http_wasm_guest_mem(wi, buf, 8, function);

    for (i = 0; i < 8; i++) {
        p[i] = (u_char) (ms >> (8 * i));
    }

    return ngx_http_wasm_host_end(NGX_WASM_OK);
}


uint32_t
Z_envZ_ngx_wasm_time_unix_ms(ngx_http_wasm_instance_t *env, uint32_t buf,
    uint32_t buf_len)
{
    ngx_time_t                *tp;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_time_unix_ms);

    tp = ngx_timeofday();

    return ngx_http_wasm_write_ms(wi, buf, buf_len,
                                  (uint64_t) tp->sec * 1000 + tp->msec,
                                  NGX_HTTP_WASM_FN_ngx_wasm_time_unix_ms);
}


uint32_t
Z_envZ_ngx_wasm_time_monotonic_ms(ngx_http_wasm_instance_t *env, uint32_t buf,
    uint32_t buf_len)
{
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env,
                                  NGX_HTTP_WASM_FN_ngx_wasm_time_monotonic_ms);

    return ngx_http_wasm_write_ms(wi, buf, buf_len,
                                  (uint64_t) ngx_current_msec,
                                  NGX_HTTP_WASM_FN_ngx_wasm_time_monotonic_ms);
}

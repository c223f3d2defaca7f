/*
 * ngx_wasm_time_unix_ms, ngx_wasm_time_monotonic_ms: nginx's cached time as
 * a little-endian u64 of milliseconds in an 8-byte guest buffer.
 */

#include "ngx_http_wasm_module.h"


static int32_t
ngx_http_wasm_write_ms(u_char *buf, size_t buf_len, uint64_t ms)
{
    ngx_uint_t  i;

    if (buf_len < NGX_WASM_TIME_BUF_MIN) {
        return NGX_WASM_ERROR;
    }

    for (i = 0; i < 8; i++) {
        buf[i] = (u_char) (ms >> (8 * i));
    }

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_time_unix_ms(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return ngx_http_wasm_write_ms(buf, buf_len,
                                  (uint64_t) tp->sec * 1000 + tp->msec);
}


int32_t
ngx_http_wasm_time_monotonic_ms(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    return ngx_http_wasm_write_ms(buf, buf_len, (uint64_t) ngx_current_msec);
}

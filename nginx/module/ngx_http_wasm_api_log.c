/*
 * ngx_wasm_log: guest bytes to the error log. The bytes are an argument of
 * "%*s", never a format string; over NGX_WASM_LOG_MAX bytes are cut.
 */

#include "ngx_http_wasm_module.h"


uint32_t
Z_envZ_ngx_wasm_log(ngx_http_wasm_instance_t *env, uint32_t level,
    uint32_t ptr, uint32_t len)
{
    u_char                    *p;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_log);

    if (ngx_http_wasm_negative(ptr, len) || level > NGX_WASM_LOG_DEBUG) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    p = ngx_http_wasm_guest_mem(wi, ptr, len, NGX_HTTP_WASM_FN_ngx_wasm_log);

    /* the ABI's levels are nginx's NGX_LOG_STDERR .. NGX_LOG_DEBUG */
    ngx_log_error(level, wi->request->connection->log, 0, "[wasm] %*s",
                  (size_t) ngx_min(len, NGX_WASM_LOG_MAX), p);

    return ngx_http_wasm_host_end(NGX_WASM_OK);
}

/*
 * ngx_wasm_log: guest bytes to the error log. The bytes are an argument of
 * "%*s", never a format string; over NGX_WASM_LOG_MAX bytes are cut.
 */

#include "ngx_http_wasm_module.h"


int32_t
ngx_http_wasm_log(ngx_http_wasm_instance_t *wi, int32_t level, u_char *data,
    size_t len)
{
    if (level < NGX_WASM_LOG_STDERR || level > NGX_WASM_LOG_DEBUG) {
        return NGX_WASM_ERROR;
    }

    /* the ABI's levels are nginx's NGX_LOG_STDERR .. NGX_LOG_DEBUG */
    ngx_log_error((ngx_uint_t) level, wi->request->connection->log, 0,
                  "[wasm] %*s", ngx_min(len, NGX_WASM_LOG_MAX), data);

    return NGX_WASM_OK;
}

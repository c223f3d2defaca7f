/*
 * ngx_wasm_log: guest bytes to the error log as one "[wasm] " line. The
 * bytes are an argument of "%*s", never a format string; over
 * NGX_WASM_LOG_MAX bytes are cut; control bytes other than tab are written
 * as \xNN, so a guest (or the client bytes it logs) cannot forge lines.
 */

#include "ngx_http_wasm_module.h"


int32_t
ngx_http_wasm_log(ngx_http_wasm_instance_t *wi, int32_t level, u_char *data,
    size_t len)
{
    u_char   *p, *last, line[NGX_WASM_LOG_MAX * 4];
    size_t    i;

    if (level < NGX_WASM_LOG_STDERR || level > NGX_WASM_LOG_DEBUG) {
        return NGX_WASM_ERROR;
    }

    len = ngx_min(len, NGX_WASM_LOG_MAX);
    p = line;
    last = line + sizeof(line);

    for (i = 0; i < len && p + 4 <= last; i++) {
        if ((data[i] < 0x20 && data[i] != '\t') || data[i] == 0x7f) {
            p = ngx_sprintf(p, "\\x%02xd", data[i]);

        } else {
            *p++ = data[i];
        }
    }

    /* the ABI's levels are nginx's NGX_LOG_STDERR .. NGX_LOG_DEBUG */
    ngx_log_error((ngx_uint_t) level, wi->request->connection->log, 0,
                  "[wasm] %*s", (size_t) (p - line), line);

    return NGX_WASM_OK;
}

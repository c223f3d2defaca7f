/*
 * ngx_wasm_yield: re-invocation, not stack switching. The guest returns;
 * the phase handler sees wi->yielded and calls the same export again on the
 * same instance from a 0 ms timer (ngx_http_wasm_phases.c).
 */

#include "ngx_http_wasm_module.h"


int32_t
ngx_http_wasm_yield(ngx_http_wasm_instance_t *wi)
{
    wi->yielded = 1;

    return NGX_WASM_OK;
}

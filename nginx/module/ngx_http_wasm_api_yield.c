/*
 * ngx_wasm_yield: re-invocation, not stack switching. The guest returns;
 * the phase handler sees wi->yielded and calls the same export again on the
 * same instance from a 0 ms timer (ngx_http_wasm_phases.c).
 */

#include "ngx_http_wasm_module.h"


uint32_t
Z_envZ_ngx_wasm_yield(ngx_http_wasm_instance_t *env)
{
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_yield);

    wi->yielded = 1;

    return ngx_http_wasm_host_end(NGX_WASM_OK);
}

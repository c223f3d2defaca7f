/*
 * Body filter functions: the current chunk (collected by the body filter in
 * ngx_http_wasm_phases.c), whether it is the last, and its replacement.
 */

#include "ngx_http_wasm_module.h"


uint32_t
Z_envZ_ngx_wasm_resp_get_body_chunk(ngx_http_wasm_instance_t *env,
    uint32_t buf, uint32_t buf_len)
{
    int32_t                    rc;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env,
                                  NGX_HTTP_WASM_FN_ngx_wasm_resp_get_body_chunk);
    ctx = wi->ctx;

    if (ngx_http_wasm_negative(buf, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    if (!ctx->chunk_active) {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    rc = ngx_http_wasm_copy_out(wi, buf, buf_len, ctx->chunk.data,
                                ctx->chunk.len,
                                NGX_HTTP_WASM_FN_ngx_wasm_resp_get_body_chunk);

    return ngx_http_wasm_host_end(rc);
}


uint32_t
Z_envZ_ngx_wasm_resp_get_body_chunk_eof(ngx_http_wasm_instance_t *env)
{
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env,
                              NGX_HTTP_WASM_FN_ngx_wasm_resp_get_body_chunk_eof);

    if (!wi->ctx->chunk_active) {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    return ngx_http_wasm_host_end(wi->ctx->chunk_eof ? 1 : 0);
}


uint32_t
Z_envZ_ngx_wasm_resp_set_body_chunk(ngx_http_wasm_instance_t *env,
    uint32_t ptr, uint32_t len)
{
    u_char                    *copy;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env,
                                  NGX_HTTP_WASM_FN_ngx_wasm_resp_set_body_chunk);
    ctx = wi->ctx;

    if (ngx_http_wasm_negative(ptr, len) || !ctx->chunk_active) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    copy = ngx_http_wasm_copy_in(wi, ptr, len,
                                 NGX_HTTP_WASM_FN_ngx_wasm_resp_set_body_chunk);
    if (copy == NULL) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    ctx->chunk_out.data = copy;
    ctx->chunk_out.len = len;
    ctx->chunk_replaced = 1;

    return ngx_http_wasm_host_end(NGX_WASM_OK);
}

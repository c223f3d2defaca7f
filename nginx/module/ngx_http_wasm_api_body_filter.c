/*
 * Body filter functions: the current chunk (the input chain the body filter
 * in ngx_http_wasm_phases.c is called with, read in place), whether it is
 * the last, and its replacement (copied into a reusable output buffer).
 */

#include "ngx_http_wasm_module.h"


static ngx_chain_t *ngx_http_wasm_chunk_out(ngx_http_request_t *r,
    ngx_http_wasm_ctx_t *ctx, size_t len);


int32_t
ngx_http_wasm_resp_get_body_chunk(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    u_char               *p;
    size_t                rest, n;
    ngx_buf_t            *b;
    ngx_chain_t          *cl;
    ngx_http_wasm_ctx_t  *ctx;

    ctx = wi->ctx;

    if (!ctx->chunk_active) {
        return NGX_WASM_NOT_FOUND;
    }

    if (ctx->chunk_len > NGX_MAX_INT32_VALUE) {
        return NGX_WASM_ERROR;
    }

    /* what fits, straight from the chain's buffers into guest memory */
    p = buf;
    rest = ngx_min(ctx->chunk_len, buf_len);

    for (cl = ctx->chunk_in; cl && rest; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_special(b)) {
            continue;
        }

        if (ngx_buf_in_memory(b)) {
            n = ngx_min(rest, (size_t) (b->last - b->pos));
            p = ngx_cpymem(p, b->pos, n);

        } else if (b->in_file) {
            n = ngx_min(rest, (size_t) (b->file_last - b->file_pos));

            if (ngx_read_file(b->file, p, n, b->file_pos) != (ssize_t) n) {
                return NGX_WASM_ERROR;
            }

            p += n;

        } else {
            continue;
        }

        rest -= n;
    }

    return (int32_t) ctx->chunk_len;
}


int32_t
ngx_http_wasm_resp_get_body_chunk_eof(ngx_http_wasm_instance_t *wi)
{
    if (!wi->ctx->chunk_active) {
        return NGX_WASM_NOT_FOUND;
    }

    return wi->ctx->chunk_eof ? 1 : 0;
}


int32_t
ngx_http_wasm_resp_set_body_chunk(ngx_http_wasm_instance_t *wi, u_char *data,
    size_t len)
{
    ngx_buf_t            *b;
    ngx_chain_t          *cl;
    ngx_http_wasm_ctx_t  *ctx;

    ctx = wi->ctx;

    if (!ctx->chunk_active) {
        return NGX_WASM_ERROR;
    }

    if (len == 0) {
        /* an earlier replacement of this chunk is dropped */
        cl = ctx->chunk_out;

        if (cl) {
            cl->next = ctx->out_free;
            ctx->out_free = cl;
            ctx->chunk_out = NULL;
        }

        ctx->chunk_replaced = 1;

        return NGX_WASM_OK;
    }

    cl = ngx_http_wasm_chunk_out(wi->request, ctx, len);
    if (cl == NULL) {
        return NGX_WASM_ERROR;
    }

    b = cl->buf;
    b->last = ngx_cpymem(b->pos, data, len);

    ctx->chunk_replaced = 1;

    return NGX_WASM_OK;
}


/*
 * ctx->chunk_out, an empty output buffer for `len` bytes: the one of this
 * chunk (a second set_body_chunk), else a free one that is big enough, else
 * the first free one grown, else a new one. The memory is a pool "large"
 * allocation (at least a page), so growing frees the old one.
 */
static ngx_chain_t *
ngx_http_wasm_chunk_out(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    size_t len)
{
    u_char        *p;
    size_t         size;
    ngx_buf_t     *b;
    ngx_chain_t   *cl, **ll;

    cl = ctx->chunk_out;

    if (cl == NULL) {
        for (ll = &ctx->out_free; *ll; ll = &(*ll)->next) {
            b = (*ll)->buf;

            if ((size_t) (b->end - b->start) >= len) {
                break;
            }
        }

        if (*ll == NULL) {
            ll = &ctx->out_free;
        }

        if (*ll) {
            cl = *ll;
            *ll = cl->next;

        } else {
            cl = ngx_alloc_chain_link(r->pool);
            if (cl == NULL) {
                return NULL;
            }

            b = ngx_calloc_buf(r->pool);
            if (b == NULL) {
                return NULL;
            }

            b->tag = NGX_HTTP_WASM_BUF_TAG;
            cl->buf = b;
        }

        cl->next = NULL;
        ctx->chunk_out = cl;
    }

    b = cl->buf;

    if ((size_t) (b->end - b->start) < len) {
        size = ngx_pagesize;

        while (size < len) {
            size <<= 1;
        }

        p = ngx_palloc(r->pool, size);
        if (p == NULL) {
            return NULL;
        }

        if (b->start) {
            ngx_pfree(r->pool, b->start);
        }

        b->start = p;
        b->end = p + size;
    }

    b->pos = b->start;
    b->last = b->start;

    return cl;
}

/*
 * Request functions: headers (case-insensitive; set replaces or adds, an
 * empty value removes) and the body read before the guest ran.
 */

#include "ngx_http_wasm_module.h"


/*
 * headers_in keeps shortcuts into the list: pointers to single entries
 * (host, user_agent, ...) and arrays of pointers (cookies, x_forwarded_for)
 * that $http_*, $cookie_* and $proxy_add_x_forwarded_for read. Removing an
 * entry moves the later ones of its part, so after every change all the
 * shortcuts are rebuilt from the list, as nginx's parser would have set them
 * for these headers (the first entry of a single header wins).
 */
/* the headers nginx keeps as an array of entries rather than one entry */
#define ngx_http_wasm_multi_header(hh)                                        \
    ((hh)->offset == offsetof(ngx_http_headers_in_t, cookies)                 \
     || (hh)->offset == offsetof(ngx_http_headers_in_t, x_forwarded_for))


static ngx_int_t
ngx_http_wasm_reindex_headers_in(ngx_http_request_t *r)
{
    ngx_uint_t                  i;
    ngx_array_t                *a;
    ngx_table_elt_t            *h, **ph;
    ngx_list_part_t            *part;
    ngx_http_header_t          *hh;
    ngx_http_core_main_conf_t  *cmcf;

    for (hh = ngx_http_headers_in; hh->name.len; hh++) {
        if (ngx_http_wasm_multi_header(hh)) {
            a = (ngx_array_t *) ((char *) &r->headers_in + hh->offset);
            a->nelts = 0;

        } else {
            *(ngx_table_elt_t **) ((char *) &r->headers_in + hh->offset) = NULL;
        }
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        hh = ngx_hash_find(&cmcf->headers_in_hash, h[i].hash,
                           h[i].lowcase_key, h[i].key.len);
        if (hh == NULL) {
            continue;
        }

        if (ngx_http_wasm_multi_header(hh)) {
            a = (ngx_array_t *) ((char *) &r->headers_in + hh->offset);

            if (a->elts == NULL
                && ngx_array_init(a, r->pool, 1, sizeof(ngx_table_elt_t *))
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            ph = ngx_array_push(a);
            if (ph == NULL) {
                return NGX_ERROR;
            }

            *ph = &h[i];
            continue;
        }

        ph = (ngx_table_elt_t **) ((char *) &r->headers_in + hh->offset);

        if (*ph == NULL) {
            *ph = &h[i];
        }
    }

    return NGX_OK;
}


static void
ngx_http_wasm_remove_header_in(ngx_list_part_t *part, ngx_uint_t i)
{
    ngx_table_elt_t  *h;

    h = part->elts;

    ngx_memmove(&h[i], &h[i + 1], (part->nelts - i - 1)
                                  * sizeof(ngx_table_elt_t));
    part->nelts--;
}


int32_t
ngx_http_wasm_req_get_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *buf, size_t buf_len)
{
    ngx_uint_t        i;
    ngx_table_elt_t  *h;
    ngx_list_part_t  *part;

    part = NULL;
    i = 0;
    h = ngx_http_wasm_find_header(&wi->request->headers_in.headers, name,
                                  name_len, &part, &i);
    if (h == NULL) {
        return NGX_WASM_NOT_FOUND;
    }

    return ngx_http_wasm_copy_out(buf, buf_len, h->value.data, h->value.len);
}


/* the name and value follow the header rules (checked by the wrapper) */
int32_t
ngx_http_wasm_req_set_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *value, size_t value_len)
{
    u_char              *copy;
    ngx_uint_t           i;
    ngx_table_elt_t     *h, *first;
    ngx_list_part_t     *part;
    ngx_http_request_t  *r;

    r = wi->request;

    copy = NULL;

    if (value_len) {
        copy = ngx_pnalloc(r->pool, value_len);
        if (copy == NULL) {
            return NGX_WASM_ERROR;
        }

        ngx_memcpy(copy, value, value_len);
    }

    /* the first entry takes the value; later ones (and all, if empty) go */
    first = NULL;
    part = NULL;
    i = 0;

    for ( ;; ) {
        h = ngx_http_wasm_find_header(&r->headers_in.headers, name, name_len,
                                      &part, &i);
        if (h == NULL) {
            break;
        }

        if (first == NULL && value_len) {
            first = h;
            i++;
            continue;
        }

        ngx_http_wasm_remove_header_in(part, i);
    }

    if (value_len && first == NULL) {
        first = ngx_list_push(&r->headers_in.headers);
        if (first == NULL) {
            return NGX_WASM_ERROR;
        }

        first->hash = 0;
        first->key.data = ngx_pnalloc(r->pool, name_len);
        first->lowcase_key = ngx_pnalloc(r->pool, name_len);
        if (first->key.data == NULL || first->lowcase_key == NULL) {
            return NGX_WASM_ERROR;
        }

        ngx_memcpy(first->key.data, name, name_len);
        first->key.len = name_len;
        first->hash = ngx_hash_strlow(first->lowcase_key, name, name_len);
    }

    if (first) {
        first->value.data = copy;
        first->value.len = value_len;
    }

    if (ngx_http_wasm_reindex_headers_in(r) != NGX_OK) {
        return NGX_WASM_ERROR;
    }

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_req_get_body(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    ngx_http_wasm_ctx_t  *ctx;

    ctx = wi->ctx;

    /* a request without a body (no Content-Length, not chunked) has none
     * to read: -1, as for a body that was not read; Content-Length: 0 is
     * an empty body */
    if (!ctx->body_read
        || (wi->request->headers_in.content_length_n < 0
            && !wi->request->headers_in.chunked))
    {
        return NGX_WASM_NOT_FOUND;
    }

    if (ctx->body_failed) {
        /* a body over wasm_request_body_buffer_size never gets here: 413 */
        ngx_log_error(NGX_LOG_ERR, wi->request->connection->log, 0,
                      "wasm: ngx_wasm_req_get_body: the request body could "
                      "not be read (out of memory, or its temporary file "
                      "failed)");
        return NGX_WASM_ERROR;
    }

    return ngx_http_wasm_copy_out(buf, buf_len, ctx->req_body.data,
                                  ctx->req_body.len);
}

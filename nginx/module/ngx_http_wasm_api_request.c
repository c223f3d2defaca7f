/*
 * Request functions: headers (case-insensitive; set replaces or adds, an
 * empty value removes) and the body read before the guest ran.
 */

#include "ngx_http_wasm_module.h"


/*
 * headers_in keeps pointers to some entries (host, user_agent, ...): keep
 * them right when an entry goes away or entries move down in the list.
 */
static ngx_table_elt_t **
ngx_http_wasm_headers_in_field(ngx_http_request_t *r, ngx_table_elt_t *h)
{
    ngx_http_header_t          *hh;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    hh = ngx_hash_find(&cmcf->headers_in_hash, h->hash, h->lowcase_key,
                       h->key.len);

    if (hh == NULL
        || hh->offset == offsetof(ngx_http_headers_in_t, x_forwarded_for)
        || hh->offset == offsetof(ngx_http_headers_in_t, cookies))
    {
        /* not known, or an array of entries */
        return NULL;
    }

    return (ngx_table_elt_t **) ((char *) &r->headers_in + hh->offset);
}


static void
ngx_http_wasm_remove_header_in(ngx_http_request_t *r, ngx_list_part_t *part,
    ngx_uint_t i)
{
    ngx_uint_t         j;
    ngx_table_elt_t   *h, **field;

    h = part->elts;

    field = ngx_http_wasm_headers_in_field(r, &h[i]);
    if (field && *field == &h[i]) {
        *field = NULL;
    }

    for (j = i + 1; j < part->nelts; j++) {
        field = ngx_http_wasm_headers_in_field(r, &h[j]);
        if (field && *field == &h[j]) {
            *field = &h[j - 1];
        }
    }

    ngx_memmove(&h[i], &h[i + 1], (part->nelts - i - 1)
                                  * sizeof(ngx_table_elt_t));
    part->nelts--;
}


uint32_t
Z_envZ_ngx_wasm_req_get_header(ngx_http_wasm_instance_t *env,
    uint32_t name_ptr, uint32_t name_len, uint32_t buf, uint32_t buf_len)
{
    u_char                    *name;
    int32_t                    rc;
    ngx_uint_t                 i;
    ngx_table_elt_t           *h;
    ngx_list_part_t           *part;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_req_get_header);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    (void) ngx_http_wasm_guest_mem(wi, buf, buf_len,
                                   NGX_HTTP_WASM_FN_ngx_wasm_req_get_header);
    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len,
                                   NGX_HTTP_WASM_FN_ngx_wasm_req_get_header);

    part = NULL;
    i = 0;
    h = ngx_http_wasm_find_header(&wi->request->headers_in.headers, name,
                                  name_len, &part, &i);
    if (h == NULL) {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    rc = ngx_http_wasm_copy_out(wi, buf, buf_len, h->value.data, h->value.len,
                                NGX_HTTP_WASM_FN_ngx_wasm_req_get_header);

    return ngx_http_wasm_host_end(rc);
}


uint32_t
Z_envZ_ngx_wasm_req_set_header(ngx_http_wasm_instance_t *env,
    uint32_t name_ptr, uint32_t name_len, uint32_t value_ptr,
    uint32_t value_len)
{
    u_char                    *name, *value;
    ngx_uint_t                 i;
    ngx_table_elt_t           *h, *first, **field;
    ngx_list_part_t           *part;
    ngx_http_request_t        *r;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_req_set_header);
    r = wi->request;

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    name = ngx_http_wasm_guest_mem(wi, name_ptr, name_len,
                                   NGX_HTTP_WASM_FN_ngx_wasm_req_set_header);
    value = ngx_http_wasm_guest_mem(wi, value_ptr, value_len,
                                   NGX_HTTP_WASM_FN_ngx_wasm_req_set_header);

    /* the header rules of host-abi/abi.json: no CR/LF towards upstreams */
    if (!ngx_wasm_header_name_valid(name, name_len)
        || !ngx_wasm_header_value_valid(value, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
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

        ngx_http_wasm_remove_header_in(r, part, i);
    }

    if (value_len == 0) {
        return ngx_http_wasm_host_end(NGX_WASM_OK);
    }

    if (first == NULL) {
        first = ngx_list_push(&r->headers_in.headers);
        if (first == NULL) {
            return ngx_http_wasm_host_end(NGX_WASM_ERROR);
        }

        first->key.data = ngx_pnalloc(r->pool, name_len);
        first->lowcase_key = ngx_pnalloc(r->pool, name_len);
        if (first->key.data == NULL || first->lowcase_key == NULL) {
            first->hash = 0;
            return ngx_http_wasm_host_end(NGX_WASM_ERROR);
        }

        ngx_memcpy(first->key.data, name, name_len);
        first->key.len = name_len;
        first->hash = ngx_hash_strlow(first->lowcase_key, name, name_len);

        field = ngx_http_wasm_headers_in_field(r, first);
        if (field && *field == NULL) {
            *field = first;
        }
    }

    first->value.data = ngx_pnalloc(r->pool, value_len);
    if (first->value.data == NULL) {
        first->value.len = 0;
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    ngx_memcpy(first->value.data, value, value_len);
    first->value.len = value_len;

    return ngx_http_wasm_host_end(NGX_WASM_OK);
}


uint32_t
Z_envZ_ngx_wasm_req_get_body(ngx_http_wasm_instance_t *env, uint32_t buf,
    uint32_t buf_len)
{
    int32_t                    rc;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_req_get_body);
    ctx = wi->ctx;

    if (ngx_http_wasm_negative(buf, buf_len)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    /* a request without a body (no Content-Length, not chunked) has none
     * to read: -1, as for a body that was not read */
    if (!ctx->body_read
        || (wi->request->headers_in.content_length_n <= 0
            && !wi->request->headers_in.chunked))
    {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    if (ctx->body_too_large) {
        /* over wasm_request_body_buffer_size */
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    rc = ngx_http_wasm_copy_out(wi, buf, buf_len, ctx->req_body.data,
                                ctx->req_body.len,
                                NGX_HTTP_WASM_FN_ngx_wasm_req_get_body);

    return ngx_http_wasm_host_end(rc);
}

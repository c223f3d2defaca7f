/*
 * Response functions: status, headers (Content-Type and Content-Length
 * live in r->headers_out fields, a few others have pointers there too), the
 * body a guest writes, and sending that response when the guest is done.
 */

#include "ngx_http_wasm_module.h"


/* headers_out fields that point at an entry of headers_out.headers */
static struct {
    ngx_str_t    name;
    ngx_uint_t   offset;
} ngx_http_wasm_headers_out_fields[] = {
    { ngx_string("Server"), offsetof(ngx_http_headers_out_t, server) },
    { ngx_string("Date"), offsetof(ngx_http_headers_out_t, date) },
    { ngx_string("Location"), offsetof(ngx_http_headers_out_t, location) },
    { ngx_string("Last-Modified"),
      offsetof(ngx_http_headers_out_t, last_modified) },
    { ngx_string("Refresh"), offsetof(ngx_http_headers_out_t, refresh) },
    { ngx_string("Content-Encoding"),
      offsetof(ngx_http_headers_out_t, content_encoding) },
    { ngx_string("Accept-Ranges"),
      offsetof(ngx_http_headers_out_t, accept_ranges) },
    { ngx_string("WWW-Authenticate"),
      offsetof(ngx_http_headers_out_t, www_authenticate) },
    { ngx_string("Expires"), offsetof(ngx_http_headers_out_t, expires) },
    { ngx_string("ETag"), offsetof(ngx_http_headers_out_t, etag) },
    { ngx_null_string, 0 }
};


static ngx_table_elt_t **
ngx_http_wasm_headers_out_field(ngx_http_request_t *r, u_char *name,
    size_t len)
{
    ngx_uint_t  i;

    for (i = 0; ngx_http_wasm_headers_out_fields[i].name.len; i++) {
        if (ngx_http_wasm_headers_out_fields[i].name.len == len
            && ngx_strncasecmp(ngx_http_wasm_headers_out_fields[i].name.data,
                               name, len) == 0)
        {
            return (ngx_table_elt_t **)
                       ((char *) &r->headers_out
                        + ngx_http_wasm_headers_out_fields[i].offset);
        }
    }

    return NULL;
}


#define ngx_http_wasm_is(name, len, literal)                                  \
    ((len) == sizeof(literal) - 1                                             \
     && ngx_strncasecmp(name, (u_char *) literal, len) == 0)


int32_t
ngx_http_wasm_resp_set_status(ngx_http_wasm_instance_t *wi, int32_t status)
{
    ngx_http_request_t  *r;

    r = wi->request;

    if (status < 100 || status > 999 || r->header_sent) {
        return NGX_WASM_ERROR;
    }

    r->headers_out.status = status;
    ngx_str_null(&r->headers_out.status_line);
    wi->ctx->status_set = 1;

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_resp_get_status(ngx_http_wasm_instance_t *wi)
{
    /* 0 until a status is set, as host-abi/abi.json documents */
    return (int32_t) wi->request->headers_out.status;
}


/* the name and value follow the header rules (checked by the wrapper) */
int32_t
ngx_http_wasm_resp_set_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t len, u_char *value, size_t value_len)
{
    off_t                n;
    u_char              *v;
    ngx_uint_t           i;
    ngx_table_elt_t     *h, *first, **field;
    ngx_list_part_t     *part;
    ngx_http_request_t  *r;

    r = wi->request;

    if (r->header_sent) {
        return NGX_WASM_ERROR;
    }

    v = ngx_pnalloc(r->pool, value_len ? value_len : 1);
    if (v == NULL) {
        return NGX_WASM_ERROR;
    }

    ngx_memcpy(v, value, value_len);

    if (ngx_http_wasm_is(name, len, "Content-Type")) {
        r->headers_out.content_type.data = v;
        r->headers_out.content_type.len = value_len;
        r->headers_out.content_type_len = value_len;
        r->headers_out.content_type_lowcase = NULL;
        r->headers_out.content_type_hash = 0;
        ngx_str_null(&r->headers_out.charset);
        return NGX_WASM_OK;
    }

    if (ngx_http_wasm_is(name, len, "Content-Length")) {
        if (value_len == 0) {
            ngx_http_clear_content_length(r);
            return NGX_WASM_OK;
        }

        n = ngx_atoof(v, value_len);
        if (n == NGX_ERROR) {
            return NGX_WASM_ERROR;
        }

        ngx_http_clear_content_length(r);
        r->headers_out.content_length_n = n;
        return NGX_WASM_OK;
    }

    field = ngx_http_wasm_headers_out_field(r, name, len);

    /* the first entry takes the value; later ones (and all, if empty) go */
    first = NULL;
    part = NULL;
    i = 0;

    for ( ;; ) {
        h = ngx_http_wasm_find_header(&r->headers_out.headers, name, len,
                                      &part, &i);
        if (h == NULL) {
            break;
        }

        i++;

        if (first == NULL && value_len) {
            first = h;
            continue;
        }

        h->hash = 0;
    }

    if (value_len == 0) {
        if (field) {
            *field = NULL;
        }

        if (ngx_http_wasm_is(name, len, "Last-Modified")) {
            r->headers_out.last_modified_time = -1;
        }

        return NGX_WASM_OK;
    }

    if (first == NULL) {
        first = ngx_list_push(&r->headers_out.headers);
        if (first == NULL) {
            return NGX_WASM_ERROR;
        }

        first->key.data = ngx_pnalloc(r->pool, len);
        if (first->key.data == NULL) {
            first->hash = 0;
            return NGX_WASM_ERROR;
        }

        ngx_memcpy(first->key.data, name, len);
        first->key.len = len;
        first->lowcase_key = NULL;
        first->hash = 1;
    }

    first->value.data = v;
    first->value.len = value_len;

    if (field) {
        *field = first;
    }

    if (ngx_http_wasm_is(name, len, "Last-Modified")) {
        r->headers_out.last_modified_time = -1;
    }

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_resp_get_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *buf, size_t buf_len)
{
    u_char              *p, num[NGX_OFF_T_LEN];
    ngx_uint_t           i;
    ngx_table_elt_t     *h;
    ngx_list_part_t     *part;
    ngx_http_request_t  *r;

    r = wi->request;

    if (ngx_http_wasm_is(name, name_len, "Content-Type")) {
        if (r->headers_out.content_type.len == 0) {
            return NGX_WASM_NOT_FOUND;
        }

        return ngx_http_wasm_copy_out(buf, buf_len,
                                      r->headers_out.content_type.data,
                                      r->headers_out.content_type.len);
    }

    if (ngx_http_wasm_is(name, name_len, "Content-Length")
        && r->headers_out.content_length == NULL)
    {
        if (r->headers_out.content_length_n < 0) {
            return NGX_WASM_NOT_FOUND;
        }

        p = ngx_sprintf(num, "%O", r->headers_out.content_length_n);

        return ngx_http_wasm_copy_out(buf, buf_len, num, p - num);
    }

    part = NULL;
    i = 0;
    h = ngx_http_wasm_find_header(&r->headers_out.headers, name, name_len,
                                  &part, &i);
    if (h == NULL) {
        return NGX_WASM_NOT_FOUND;
    }

    return ngx_http_wasm_copy_out(buf, buf_len, h->value.data, h->value.len);
}


int32_t
ngx_http_wasm_resp_write(ngx_http_wasm_instance_t *wi, u_char *data,
    size_t len)
{
    u_char  *copy;

    copy = ngx_http_wasm_copy_in(wi, data, len);
    if (copy == NULL) {
        return NGX_WASM_ERROR;
    }

    /* a later write replaces an earlier one */
    wi->ctx->resp_body.data = copy;
    wi->ctx->resp_body.len = len;
    wi->ctx->body_set = 1;

    return NGX_WASM_OK;
}


/* the response a guest produced: status, headers, body, all at once */
ngx_int_t
ngx_http_wasm_send_response(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (r->headers_out.status == 0) {
        r->headers_out.status = NGX_HTTP_OK;
    }

    if (r->headers_out.content_type.len == 0) {
        ngx_str_set(&r->headers_out.content_type, "text/plain");
        r->headers_out.content_type_len = sizeof("text/plain") - 1;
    }

    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = ctx->resp_body.len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (ctx->resp_body.len == 0) {
        return ngx_http_send_special(r, NGX_HTTP_LAST);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->start = ctx->resp_body.data;
    b->pos = b->start;
    b->last = b->start + ctx->resp_body.len;
    b->end = b->last;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}

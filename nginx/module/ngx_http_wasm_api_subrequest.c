/*
 * Subrequests: ngx_wasm_subreq launches an nginx-internal subrequest
 * (ngx_http_subrequest, any location: static files, return, proxy_pass, a
 * location running a guest) with the headers staged by subreq_set_header;
 * the guest returns, and the phase handler (ngx_http_wasm_phases.c) waits
 * until nginx posts the request again when the subrequest is done, then
 * calls the same export on the same instance.
 *
 * The response is captured as lua-nginx-module's ngx.location.capture does:
 * a header filter and a body filter on top of the chain take the output of
 * our subrequests (found by their post_subrequest handler) and pass none of
 * it on; the body goes into one buffer of at most
 * wasm_subrequest_buffer_size (a larger body is not captured: get_body and
 * get_body_len return -2, the status and headers stay). The post_subrequest
 * handler records the status; a subrequest that fails (404, 502, 504, an
 * internal error) reports its status, only a client that went away ends the
 * request.
 */

#include "ngx_http_wasm_module.h"


/* one launched subrequest */
typedef struct {
    ngx_http_request_t        *sr;
    ngx_str_t                  uri;
    ngx_int_t                  status;
    u_char                    *body;
    size_t                     len;
    size_t                     size;          /* of the body buffer */
    size_t                     limit;         /* wasm_subrequest_buffer_size */
    ngx_log_t                 *log;
    unsigned                   capture:1;
    unsigned                   too_large:1;
} ngx_http_wasm_subreq_run_t;


/* per instance: staged headers, the subrequest in flight, the last one */
struct ngx_http_wasm_subreq_s {
    ngx_array_t                staged;        /* ngx_keyval_t */
    ngx_http_wasm_subreq_run_t *active;
    ngx_http_wasm_subreq_run_t *last;
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_http_wasm_subreq_t *
ngx_http_wasm_subreq_state(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_subreq_t  *ws;

    if (wi->subreq) {
        return wi->subreq;
    }

    ws = ngx_pcalloc(wi->request->pool, sizeof(ngx_http_wasm_subreq_t));
    if (ws == NULL) {
        return NULL;
    }

    if (ngx_array_init(&ws->staged, wi->request->pool, 4,
                       sizeof(ngx_keyval_t))
        != NGX_OK)
    {
        return NULL;
    }

    wi->subreq = ws;

    return ws;
}


/* the name and value follow the header rules (checked by the wrapper) */
int32_t
ngx_http_wasm_subreq_set_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *value, size_t value_len)
{
    ngx_uint_t               i;
    ngx_keyval_t            *kv;
    ngx_http_wasm_subreq_t  *ws;

    ws = ngx_http_wasm_subreq_state(wi);
    if (ws == NULL) {
        return NGX_WASM_ERROR;
    }

    kv = ws->staged.elts;

    for (i = 0; i < ws->staged.nelts; i++) {
        if (kv[i].key.len == name_len
            && ngx_strncasecmp(kv[i].key.data, name, name_len) == 0)
        {
            break;
        }
    }

    if (value_len == 0) {
        /* an empty value unstages the header */
        if (i < ws->staged.nelts) {
            kv[i] = kv[ws->staged.nelts - 1];
            ws->staged.nelts--;
        }

        return NGX_WASM_OK;
    }

    if (i == ws->staged.nelts) {
        kv = ngx_array_push(&ws->staged);
        if (kv == NULL) {
            return NGX_WASM_ERROR;
        }

        kv->key.data = ngx_http_wasm_copy_in(wi, name, name_len);
        if (kv->key.data == NULL) {
            ws->staged.nelts--;
            return NGX_WASM_ERROR;
        }

        kv->key.len = name_len;

    } else {
        kv = &kv[i];
    }

    kv->value.data = ngx_http_wasm_copy_in(wi, value, value_len);
    if (kv->value.data == NULL) {
        return NGX_WASM_ERROR;
    }

    kv->value.len = value_len;

    return NGX_WASM_OK;
}


static ngx_int_t
ngx_http_wasm_subreq_method(int32_t method, ngx_str_t *name)
{
    ngx_uint_t  i;

    static struct {
        int32_t     method;
        ngx_str_t   name;
    } methods[] = {
        { NGX_WASM_METHOD_DEFAULT, ngx_string("GET") },
        { NGX_WASM_METHOD_GET, ngx_string("GET") },
        { NGX_WASM_METHOD_HEAD, ngx_string("HEAD") },
        { NGX_WASM_METHOD_POST, ngx_string("POST") },
        { NGX_WASM_METHOD_PUT, ngx_string("PUT") },
        { NGX_WASM_METHOD_DELETE, ngx_string("DELETE") },
        { NGX_WASM_METHOD_OPTIONS, ngx_string("OPTIONS") },
        { NGX_WASM_METHOD_PATCH, ngx_string("PATCH") }
    };

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (methods[i].method == method) {
            *name = methods[i].name;
            return method == NGX_WASM_METHOD_DEFAULT ? NGX_HTTP_GET : method;
        }
    }

    return NGX_ERROR;
}


/* headers_in fields of one entry each that a staged header replaces */
static struct {
    ngx_str_t    name;
    ngx_uint_t   offset;
} ngx_http_wasm_subreq_fields[] = {
    { ngx_string("Host"), offsetof(ngx_http_headers_in_t, host) },
    { ngx_string("User-Agent"), offsetof(ngx_http_headers_in_t, user_agent) },
    { ngx_string("Referer"), offsetof(ngx_http_headers_in_t, referer) },
    { ngx_string("Authorization"),
      offsetof(ngx_http_headers_in_t, authorization) },
    { ngx_string("Content-Type"),
      offsetof(ngx_http_headers_in_t, content_type) },
    { ngx_null_string, 0 }
};


/*
 * The subrequest's request headers: the parent's, minus those staged
 * (which follow, with the staged values) and, when it carries no body, the
 * body's length headers. ngx_http_subrequest copied the parent's
 * headers_in, list included: the subrequest gets its own list.
 */
static ngx_int_t
ngx_http_wasm_subreq_headers(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_http_wasm_subreq_t *ws, ngx_uint_t no_body)
{
    ngx_uint_t        i, j;
    ngx_keyval_t     *kv;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *nh, **field;

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    kv = ws->staged.elts;
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

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

        for (j = 0; j < ws->staged.nelts; j++) {
            if (kv[j].key.len == h[i].key.len
                && ngx_strncasecmp(kv[j].key.data, h[i].key.data,
                                   h[i].key.len) == 0)
            {
                break;
            }
        }

        if (j < ws->staged.nelts) {
            continue;
        }

        if (no_body
            && ((h[i].key.len == sizeof("Content-Length") - 1
                 && ngx_strncasecmp(h[i].key.data, (u_char *) "Content-Length",
                                    h[i].key.len) == 0)
                || (h[i].key.len == sizeof("Transfer-Encoding") - 1
                    && ngx_strncasecmp(h[i].key.data,
                                       (u_char *) "Transfer-Encoding",
                                       h[i].key.len) == 0)))
        {
            continue;
        }

        nh = ngx_list_push(&sr->headers_in.headers);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        *nh = h[i];
    }

    for (j = 0; j < ws->staged.nelts; j++) {
        nh = ngx_list_push(&sr->headers_in.headers);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        nh->key = kv[j].key;
        nh->value = kv[j].value;
        nh->lowcase_key = ngx_pnalloc(r->pool, kv[j].key.len);
        if (nh->lowcase_key == NULL) {
            return NGX_ERROR;
        }

        nh->hash = ngx_hash_strlow(nh->lowcase_key, kv[j].key.data,
                                   kv[j].key.len);

        for (i = 0; ngx_http_wasm_subreq_fields[i].name.len; i++) {
            if (ngx_http_wasm_subreq_fields[i].name.len == kv[j].key.len
                && ngx_strncasecmp(ngx_http_wasm_subreq_fields[i].name.data,
                                   kv[j].key.data, kv[j].key.len) == 0)
            {
                field = (ngx_table_elt_t **)
                            ((char *) &sr->headers_in
                             + ngx_http_wasm_subreq_fields[i].offset);
                *field = nh;

                if (i == 0) {
                    sr->headers_in.server = nh->value;
                }
            }
        }
    }

    if (no_body) {
        sr->headers_in.content_length = NULL;
        sr->headers_in.content_length_n = -1;
        sr->headers_in.transfer_encoding = NULL;
        sr->headers_in.chunked = 0;
    }

    return NGX_OK;
}


static ngx_int_t ngx_http_wasm_subreq_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);


int32_t
ngx_http_wasm_subreq(ngx_http_wasm_instance_t *wi, u_char *uri,
    size_t uri_len, u_char *args, size_t args_len, int32_t method,
    int32_t options)
{
    ngx_int_t                     m;
    ngx_str_t                     u, a, split, name;
    ngx_uint_t                    flags, no_body;
    ngx_http_request_t           *r, *sr;
    ngx_http_wasm_subreq_t       *ws;
    ngx_http_wasm_loc_conf_t     *wlcf;
    ngx_http_post_subrequest_t   *psr;
    ngx_http_wasm_subreq_run_t   *run;

    r = wi->request;

    ws = ngx_http_wasm_subreq_state(wi);
    if (ws == NULL || ws->active) {
        return NGX_WASM_ERROR;
    }

    m = ngx_http_wasm_subreq_method(method, &name);

    if (m == NGX_ERROR || uri_len == 0 || uri[0] != '/'
        || (options & ~NGX_WASM_SUBREQ_CAPTURE_BODY))
    {
        return NGX_WASM_ERROR;
    }

    u.data = ngx_http_wasm_copy_in(wi, uri, uri_len);
    u.len = uri_len;
    a.data = ngx_http_wasm_copy_in(wi, args, args_len);
    a.len = args_len;

    if (u.data == NULL || a.data == NULL) {
        return NGX_WASM_ERROR;
    }

    /* as SSI does: no "..", no NUL, %XX decoded, "?args" split off */
    ngx_str_null(&split);
    flags = 0;

    if (ngx_http_parse_unsafe_uri(r, &u, &split, &flags) != NGX_OK
        || (split.len && a.len))
    {
        return NGX_WASM_ERROR;
    }

    if (split.len) {
        a = split;
    }

    run = ngx_pcalloc(r->pool, sizeof(ngx_http_wasm_subreq_run_t));
    psr = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (run == NULL || psr == NULL) {
        return NGX_WASM_ERROR;
    }

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    run->uri = u;
    run->limit = wlcf->subrequest_buffer_size;
    run->capture = (options & NGX_WASM_SUBREQ_CAPTURE_BODY) ? 1 : 0;
    run->log = r->connection->log;

    psr->handler = ngx_http_wasm_subreq_done;
    psr->data = run;

    if (ngx_http_subrequest(r, &u, a.len ? &a : NULL, &sr, psr,
                            NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        /* e.g. "subrequests cycle": nginx has logged why */
        return NGX_WASM_ERROR;
    }

    run->sr = sr;

    sr->method = m;
    sr->method_name = name;

    if (m == NGX_HTTP_HEAD) {
        sr->header_only = 1;
    }

    /*
     * The parent's request body goes with the subrequest when nginx has
     * read it (a guest importing req_get_body has it read); otherwise the
     * subrequest has none, and none of the body's length headers.
     */
    no_body = 0;

    if (sr->request_body == NULL) {
        sr->request_body = ngx_pcalloc(r->pool,
                                       sizeof(ngx_http_request_body_t));
        if (sr->request_body == NULL) {
            return NGX_WASM_ERROR;
        }

        no_body = 1;
    }

    if (ngx_http_wasm_subreq_headers(r, sr, ws, no_body) != NGX_OK) {
        return NGX_WASM_ERROR;
    }

    ws->staged.nelts = 0;
    ws->active = run;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "wasm: subrequest %V \"%V?%V\"", &name, &u, &a);

    return NGX_WASM_OK;
}


/*
 * Called on every ngx_http_finalize_request() of the subrequest, first
 * with the handler's code: a special response (>= 300, 201, 204) follows
 * and calls again; an error becomes the status 500 (or the one whose header
 * was captured) instead of ending the parent; a client that went away
 * (c->error, 499, 408) ends the whole request, as nginx does.
 */
static ngx_int_t
ngx_http_wasm_subreq_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_wasm_subreq_run_t  *run = data;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, sr->connection->log, 0,
                   "wasm: subrequest \"%V\" finalized: %i", &run->uri, rc);

    if (rc == NGX_DONE) {
        return rc;
    }

    if (sr->connection->error || rc == NGX_HTTP_CLIENT_CLOSED_REQUEST
        || rc == NGX_HTTP_REQUEST_TIME_OUT)
    {
        return rc;
    }

    if (rc == NGX_ERROR || rc == NGX_HTTP_CLOSE) {
        run->status = (sr->header_sent && sr->headers_out.status)
                      ? (ngx_int_t) sr->headers_out.status
                      : NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_OK;
    }

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE || rc == NGX_HTTP_CREATED
        || rc == NGX_HTTP_NO_CONTENT)
    {
        run->status = rc;
        return rc;
    }

    if (sr->headers_out.status) {
        run->status = sr->headers_out.status;

    } else if (run->status == 0) {
        run->status = (rc > NGX_OK) ? rc : NGX_HTTP_OK;
    }

    return rc;
}


/* the capture of our subrequest r, or NULL for any other request */
static ngx_http_wasm_subreq_run_t *
ngx_http_wasm_subreq_run(ngx_http_request_t *r)
{
    if (r == r->main || r->post_subrequest == NULL
        || r->post_subrequest->handler != ngx_http_wasm_subreq_done)
    {
        return NULL;
    }

    return r->post_subrequest->data;
}


static ngx_int_t
ngx_http_wasm_subreq_header_filter(ngx_http_request_t *r)
{
    ngx_http_wasm_subreq_run_t  *run;

    run = ngx_http_wasm_subreq_run(r);
    if (run == NULL) {
        return ngx_http_next_header_filter(r);
    }

    /* the header stays in r->headers_out for subreq_get_header */
    r->header_sent = 1;

    if (r->method == NGX_HTTP_HEAD) {
        r->header_only = 1;
    }

    return NGX_OK;
}


/* append a buffer's bytes (in memory or only in a file) to the capture */
static ngx_int_t
ngx_http_wasm_subreq_append(ngx_http_request_t *r,
    ngx_http_wasm_subreq_run_t *run, ngx_buf_t *b)
{
    off_t     size;
    size_t    want;
    u_char   *p;
    ssize_t   n;

    size = ngx_buf_size(b);

    if (size == 0) {
        return NGX_OK;
    }

    if (size > (off_t) (run->limit - run->len)) {
        run->too_large = 1;

        ngx_log_error(NGX_LOG_WARN, run->log, 0,
                      "wasm: subrequest \"%V\" answered more than "
                      "wasm_subrequest_buffer_size (%uz bytes): its body is "
                      "not captured", &run->uri, run->limit);
        return NGX_OK;
    }

    if (run->len + size > run->size) {
        want = ngx_max(run->size * 2, run->len + (size_t) size);

        if (run->size == 0 && r->headers_out.content_length_n > 0
            && r->headers_out.content_length_n <= (off_t) run->limit)
        {
            want = ngx_max(want, (size_t) r->headers_out.content_length_n);
        }

        want = ngx_min(ngx_max(want, 1024), run->limit);

        p = ngx_palloc(r->pool, want);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (run->len) {
            ngx_memcpy(p, run->body, run->len);
        }

        if (run->body) {
            ngx_pfree(r->pool, run->body);
        }

        run->body = p;
        run->size = want;
    }

    if (ngx_buf_in_memory(b)) {
        ngx_memcpy(run->body + run->len, b->pos, (size_t) size);

    } else {
        n = ngx_read_file(b->file, run->body + run->len, (size_t) size,
                          b->file_pos);
        if (n != (ssize_t) size) {
            return NGX_ERROR;
        }
    }

    run->len += size;

    return NGX_OK;
}


/* our subrequests' output stops here: captured, or dropped */
static ngx_int_t
ngx_http_wasm_subreq_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_buf_t                   *b;
    ngx_chain_t                 *cl;
    ngx_http_wasm_subreq_run_t  *run;

    run = ngx_http_wasm_subreq_run(r);
    if (run == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (run->capture && !run->too_large && !ngx_buf_special(b)
            && ngx_http_wasm_subreq_append(r, run, b) != NGX_OK)
        {
            return NGX_ERROR;
        }

        /* consumed, as a sent buffer looks */
        b->pos = b->last;

        if (b->in_file) {
            b->file_pos = b->file_last;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_wasm_subreq_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_wasm_subreq_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_wasm_subreq_body_filter;

    return NGX_OK;
}


/*
 * Whether the instance waits for its subrequest. Once nginx has finished
 * it (sr->done, then the parent is posted), it becomes the last finished
 * one, which the getters read, and this returns 0.
 */
ngx_uint_t
ngx_http_wasm_subreq_pending(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_subreq_t  *ws;

    ws = wi->subreq;

    if (ws == NULL || ws->active == NULL) {
        return 0;
    }

    if (!ws->active->sr->done) {
        return 1;
    }

    if (ws->active->status == 0) {
        ws->active->status = NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ws->last = ws->active;
    ws->active = NULL;

    return 0;
}


/* a subrequest launched and not yet handed to the guest (done or not) */
ngx_uint_t
ngx_http_wasm_subreq_launched(ngx_http_wasm_instance_t *wi)
{
    return wi->subreq != NULL && wi->subreq->active != NULL;
}


int32_t
ngx_http_wasm_subreq_get_status(ngx_http_wasm_instance_t *wi)
{
    if (wi->subreq == NULL || wi->subreq->last == NULL) {
        return NGX_WASM_ERROR;
    }

    return (int32_t) wi->subreq->last->status;
}


int32_t
ngx_http_wasm_subreq_get_header(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, u_char *buf, size_t buf_len)
{
    ngx_http_wasm_instance_t  sub;

    if (wi->subreq == NULL || wi->subreq->last == NULL) {
        return NGX_WASM_ERROR;
    }

    /* resp_get_header's rules (Content-Type, Content-Length fields), on
     * the subrequest's headers_out */
    sub = *wi;
    sub.request = wi->subreq->last->sr;

    return ngx_http_wasm_resp_get_header(&sub, name, name_len, buf, buf_len);
}


int32_t
ngx_http_wasm_subreq_get_body(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    ngx_http_wasm_subreq_run_t  *run;

    if (wi->subreq == NULL || wi->subreq->last == NULL) {
        return NGX_WASM_ERROR;
    }

    run = wi->subreq->last;

    if (!run->capture || run->too_large) {
        return NGX_WASM_ERROR;
    }

    /* this getter returns the bytes copied */
    ngx_memcpy(buf, run->body, ngx_min(buf_len, run->len));

    return (int32_t) ngx_min(buf_len, run->len);
}


int32_t
ngx_http_wasm_subreq_get_body_len(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_subreq_run_t  *run;

    if (wi->subreq == NULL || wi->subreq->last == NULL) {
        return NGX_WASM_ERROR;
    }

    run = wi->subreq->last;

    if (!run->capture || run->too_large) {
        return NGX_WASM_ERROR;
    }

    return (int32_t) run->len;
}


/* r is a subrequest a guest launched */
ngx_uint_t
ngx_http_wasm_subreq_own(ngx_http_request_t *r)
{
    return ngx_http_wasm_subreq_run(r) != NULL;
}

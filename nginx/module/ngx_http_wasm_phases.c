/*
 * Where guests run in a request: the server_rewrite, rewrite, access,
 * content and log phase handlers, the header and body filters, reading the
 * request body before a guest that wants it, and re-invocation after a
 * guest yielded.
 */

#include "ngx_http_wasm_module.h"


static ngx_int_t ngx_http_wasm_server_rewrite_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_rewrite_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_access_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_content_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_log_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_wasm_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/* r->buffered while file-backed input waits to be cut into windows */
#define NGX_HTTP_WASM_BUFFERED  0x08


/*
 * nginx runs a phase's handlers from the last registered to the first, and
 * dynamic modules register last: ours run before the built-in handlers of
 * the same phase (before `return`/`set` of the rewrite module, before the
 * static and index modules), like ngx_wasm's.
 */
static ngx_int_t
ngx_http_wasm_add_handler(ngx_http_core_main_conf_t *cmcf,
    ngx_http_phases phase, ngx_http_handler_pt handler)
{
    ngx_http_handler_pt  *h;

    h = ngx_array_push(&cmcf->phases[phase].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = handler;

    return NGX_OK;
}


/* hook only the phases some directive uses */
ngx_int_t
ngx_http_wasm_phases_init(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf)
{
    ngx_uint_t                  i;
    ngx_http_core_main_conf_t  *cmcf;

    static struct {
        ngx_http_wasm_phase_e   wasm;
        ngx_http_phases         nginx;
        ngx_http_handler_pt     handler;
    } handlers[] = {
        { NGX_HTTP_WASM_SERVER_REWRITE, NGX_HTTP_SERVER_REWRITE_PHASE,
          ngx_http_wasm_server_rewrite_handler },
        { NGX_HTTP_WASM_REWRITE, NGX_HTTP_REWRITE_PHASE,
          ngx_http_wasm_rewrite_handler },
        { NGX_HTTP_WASM_ACCESS, NGX_HTTP_ACCESS_PHASE,
          ngx_http_wasm_access_handler },
        { NGX_HTTP_WASM_CONTENT, NGX_HTTP_CONTENT_PHASE,
          ngx_http_wasm_content_handler },
        { NGX_HTTP_WASM_LOG, NGX_HTTP_LOG_PHASE,
          ngx_http_wasm_log_handler }
    };

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
        if ((wmcf->phases & ngx_http_wasm_phase_bit(handlers[i].wasm))
            && ngx_http_wasm_add_handler(cmcf, handlers[i].nginx,
                                         handlers[i].handler)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (wmcf->phases
        & (ngx_http_wasm_phase_bit(NGX_HTTP_WASM_HEADER_FILTER)
           | ngx_http_wasm_phase_bit(NGX_HTTP_WASM_BODY_FILTER)))
    {
        ngx_http_next_header_filter = ngx_http_top_header_filter;
        ngx_http_top_header_filter = ngx_http_wasm_header_filter;
    }

    if (wmcf->phases & ngx_http_wasm_phase_bit(NGX_HTTP_WASM_BODY_FILTER)) {
        ngx_http_next_body_filter = ngx_http_top_body_filter;
        ngx_http_top_body_filter = ngx_http_wasm_body_filter;
    }

    return NGX_OK;
}


static void
ngx_http_wasm_ctx_cleanup(void *data)
{
    ngx_http_wasm_ctx_t  *ctx = data;

    if (ctx->resume.posted) {
        ngx_delete_posted_event(&ctx->resume);
    }
}


ngx_http_wasm_ctx_t *
ngx_http_wasm_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t   *cln;
    ngx_http_wasm_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_wasm_module);
    if (ctx != NULL) {
        return ctx;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_wasm_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_wasm_ctx_cleanup;
    cln->data = ctx;

    ctx->request = r;
    ngx_http_set_ctx(r, ctx, ngx_http_wasm_module);

    return ctx;
}


/* the request body, whole, in one pool buffer (files are read back) */
static void
ngx_http_wasm_collect_body(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx)
{
    u_char                    *p;
    off_t                      size;
    ssize_t                    n;
    ngx_buf_t                 *b;
    ngx_chain_t               *cl;
    ngx_http_wasm_loc_conf_t  *wlcf;

    ctx->body_read = 1;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return;
    }

    size = 0;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        size += ngx_buf_size(cl->buf);
    }

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    if (size > (off_t) wlcf->body_buffer_size) {
        ctx->body_too_large = 1;
        return;
    }

    p = ngx_pnalloc(r->pool, size ? size : 1);
    if (p == NULL) {
        ctx->body_failed = 1;
        return;
    }

    ctx->req_body.data = p;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_in_memory(b)) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        if (b->in_file && b->file_last > b->file_pos) {
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                ctx->body_failed = 1;
                return;
            }

            p += n;
        }
    }

    ctx->req_body.len = p - ctx->req_body.data;
}


/*
 * A body over wasm_request_body_buffer_size (by Content-Length, or once
 * read, chunked): 413 before the guest runs, as the reference host answers
 */
static ngx_int_t
ngx_http_wasm_body_too_large(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_http_wasm_handler_t *handler, ngx_http_wasm_phase_e phase)
{
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "wasm: the request body is larger than "
                  "wasm_request_body_buffer_size (%uz bytes in this "
                  "location): 413 before guest \"%V\" export \"%V\" "
                  "(phase %s) runs", wlcf->body_buffer_size,
                  &handler->guest->path, &handler->export,
                  ngx_http_wasm_phase_names[phase]);

    ctx->done |= ngx_http_wasm_phase_bit(phase);

    return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
}


static void
ngx_http_wasm_body_ready(ngx_http_request_t *r)
{
    ngx_http_wasm_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_wasm_module);
    if (ctx == NULL) {
        return;
    }

    ngx_http_wasm_collect_body(r, ctx);

    if (ctx->body_waiting) {
        /* the handler returned NGX_DONE: run the phases again */
        ctx->body_waiting = 0;
        r->write_event_handler = ngx_http_core_run_phases;
        ngx_http_core_run_phases(r);
    }
}


static void
ngx_http_wasm_resume(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ev->data;
    c = r->connection;

    /* the phase handler is still the current one: it re-invokes the guest */
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);

    ngx_http_run_posted_requests(c);
}


/*
 * While the guest waits (yield, subrequest, time slice), a client that goes
 * away ends the request. An event that came while reading was blocked
 * (the close of a client that gave up during the first slice, say) is not
 * reported again by edge-triggered epoll: look at it now.
 */
static void
ngx_http_wasm_watch_client(ngx_http_request_t *r)
{
    ngx_event_t  *rev;

    r->read_event_handler = ngx_http_test_reading;

    rev = r->connection->read;

    if (rev->ready && !rev->posted) {
        ngx_post_event(rev, &ngx_posted_events);
    }
}


/* server_rewrite, rewrite, access and content: the same steps */
static ngx_int_t
ngx_http_wasm_request_phase(ngx_http_request_t *r, ngx_http_wasm_phase_e phase)
{
    ngx_int_t                  rc;
    ngx_uint_t                 bit, pending, launched;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_handler_t   *handler;
    ngx_http_wasm_instance_t  *wi;
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);
    handler = wlcf->handlers[phase];
    bit = ngx_http_wasm_phase_bit(phase);

    if (handler == NULL) {
        return NGX_DECLINED;
    }

    if (phase == NGX_HTTP_WASM_SERVER_REWRITE
        && ngx_http_wasm_subreq_own(r))
    {
        /* nginx runs server rewrites for subrequests: not a guest's own */
        return NGX_DECLINED;
    }

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->done & bit) {
        return NGX_DECLINED;
    }

    if (handler->guest->reads_body && !ctx->body_read) {

        if (ctx->body_waiting) {
            return NGX_DONE;
        }

        if (r->headers_in.content_length_n > (off_t) wlcf->body_buffer_size) {
            /* too large already by its Content-Length: not read at all */
            return ngx_http_wasm_body_too_large(r, ctx, handler, phase);
        }

        rc = ngx_http_read_client_request_body(r, ngx_http_wasm_body_ready);

        if (rc == NGX_ERROR || rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        if (!ctx->body_read) {
            /* the rest of the body comes later: ngx_http_wasm_body_ready */
            ctx->body_waiting = 1;

            if (phase != NGX_HTTP_WASM_CONTENT) {
                /* the content phase checker does this for us */
                ngx_http_finalize_request(r, NGX_DONE);
            }

            return NGX_DONE;
        }

        /* read at once: undo the reference taken for reading */
        r->main->count--;
    }

    if (handler->guest->reads_body && ctx->body_too_large) {
        return ngx_http_wasm_body_too_large(r, ctx, handler, phase);
    }

    wi = ngx_http_wasm_instance(r, ctx, phase, handler);
    if (wi == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!wi->suspended && ngx_http_wasm_subreq_pending(wi)) {
        /* run before its subrequest finished: wait on (a call suspended in
         * its time slice goes on meanwhile, whatever the subrequest does) */
        if (phase == NGX_HTTP_WASM_CONTENT) {
            r->main->count++;
        }

        return NGX_DONE;
    }

    if (ngx_http_wasm_invoke(wi) != NGX_OK) {
        ctx->done |= bit;
        return r->header_sent ? NGX_ERROR : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * launched in this call: maybe done already, if the call was sliced; a
     * suspended call resumes on the next iteration whatever its subrequest
     * does, and is re-invoked once both are done
     */
    launched = ngx_http_wasm_subreq_launched(wi);
    pending = wi->suspended ? 0 : ngx_http_wasm_subreq_pending(wi);

    if (wi->yielded || launched || wi->suspended) {
        if (wlcf->max_invocations && !wi->suspended
            && ++wi->invocations >= wlcf->max_invocations)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "wasm: guest \"%V\" export \"%V\" (phase %s) "
                          "failed: too many re-invocations (the export asked "
                          "to run again after %ui invocations; "
                          "wasm_max_invocations)", &handler->guest->path,
                          &handler->export, ngx_http_wasm_phase_names[phase],
                          wi->invocations);
            ctx->done |= bit;
            return r->header_sent ? NGX_ERROR : NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "wasm: %s yielded, invocation %ui",
                       ngx_http_wasm_phase_names[phase], wi->invocations);

        if (pending) {
            /*
             * A subrequest is on its way (the yield, if any, is moot):
             * nginx posts this request when it is done, and the phase
             * runs again from its write_event_handler
             */
            ngx_http_wasm_watch_client(r);

            if (phase == NGX_HTTP_WASM_CONTENT) {
                r->main->count++;
            }

            return NGX_DONE;
        }

        /*
         * Run again on the next event-loop iteration, after the I/O it
         * polls (a 0 ms timer would fire again within the same timer pass
         * and starve every other connection); meanwhile a client that goes
         * away ends the request, and the cleanup unposts the event.
         */
        if (ctx->resume.handler == NULL) {
            ctx->resume.handler = ngx_http_wasm_resume;
            ctx->resume.data = r;
            ctx->resume.log = r->connection->log;
        }

        ngx_post_event(&ctx->resume, &ngx_posted_next_events);
        ngx_http_wasm_watch_client(r);

        if (phase == NGX_HTTP_WASM_CONTENT) {
            /* released by the content phase checker's finalize(NGX_DONE) */
            r->main->count++;
        }

        return NGX_DONE;
    }

    ctx->done |= bit;

    if (phase != NGX_HTTP_WASM_CONTENT && !ctx->status_set && !ctx->body_set) {
        return NGX_DECLINED;
    }

    rc = ngx_http_wasm_send_response(r, ctx);

    if (phase == NGX_HTTP_WASM_CONTENT) {
        return rc;
    }

    /* the guest produced the response: later phases are skipped */
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


static ngx_int_t
ngx_http_wasm_server_rewrite_handler(ngx_http_request_t *r)
{
    return ngx_http_wasm_request_phase(r, NGX_HTTP_WASM_SERVER_REWRITE);
}


static ngx_int_t
ngx_http_wasm_rewrite_handler(ngx_http_request_t *r)
{
    return ngx_http_wasm_request_phase(r, NGX_HTTP_WASM_REWRITE);
}


static ngx_int_t
ngx_http_wasm_access_handler(ngx_http_request_t *r)
{
    return ngx_http_wasm_request_phase(r, NGX_HTTP_WASM_ACCESS);
}


static ngx_int_t
ngx_http_wasm_content_handler(ngx_http_request_t *r)
{
    return ngx_http_wasm_request_phase(r, NGX_HTTP_WASM_CONTENT);
}


/* after the response: failures are only logged */
static ngx_int_t
ngx_http_wasm_log_handler(ngx_http_request_t *r)
{
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_instance_t  *wi;
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    if (wlcf->handlers[NGX_HTTP_WASM_LOG] == NULL) {
        return NGX_OK;
    }

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    wi = ngx_http_wasm_instance(r, ctx, NGX_HTTP_WASM_LOG,
                                wlcf->handlers[NGX_HTTP_WASM_LOG]);
    if (wi == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_http_wasm_invoke(wi);

    return NGX_OK;
}


static ngx_int_t
ngx_http_wasm_header_filter(ngx_http_request_t *r)
{
    ngx_uint_t                 bit;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_handler_t   *handler;
    ngx_http_wasm_instance_t  *wi;
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    if (wlcf->handlers[NGX_HTTP_WASM_BODY_FILTER]) {
        /* the guest may change the body's length */
        ngx_http_clear_content_length(r);
        ngx_http_clear_accept_ranges(r);
    }

    handler = wlcf->handlers[NGX_HTTP_WASM_HEADER_FILTER];
    if (handler == NULL) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    bit = ngx_http_wasm_phase_bit(NGX_HTTP_WASM_HEADER_FILTER);

    if (ctx->done & bit) {
        /* e.g. the error page after this guest failed */
        return ngx_http_next_header_filter(r);
    }

    ctx->done |= bit;

    wi = ngx_http_wasm_instance(r, ctx, NGX_HTTP_WASM_HEADER_FILTER, handler);
    if (wi == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_wasm_invoke(wi) != NGX_OK) {
        return ngx_http_filter_finalize_request(r, &ngx_http_wasm_module,
                                               NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    return ngx_http_next_header_filter(r);
}


/*
 * The chunk is the input chain as it is: its length (bytes in memory, or in
 * a file for a buffer that is only there) and whether it ends the body.
 * resp_get_body_chunk reads it in place.
 */
static void
ngx_http_wasm_chunk_size(ngx_http_wasm_ctx_t *ctx, ngx_chain_t *in)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ctx->chunk_len = 0;
    ctx->chunk_eof = 0;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (!ngx_buf_special(b)) {
            ctx->chunk_len += ngx_buf_size(b);
        }

        if (b->last_buf || b->last_in_chain) {
            ctx->chunk_eof = 1;
        }
    }
}


/* an input buffer the filter is done with, as a sent one looks */
static void
ngx_http_wasm_consume(ngx_buf_t *b)
{
    b->pos = b->last;

    if (b->in_file) {
        b->file_pos = b->file_last;
    }
}


/* held input buffers up to and including `upto`, oldest first, consumed */
static void
ngx_http_wasm_release(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_buf_t *upto)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    while (ctx->held) {
        cl = ctx->held;
        ctx->held = cl->next;
        b = cl->buf;

        ngx_http_wasm_consume(b);
        ngx_free_chain(r->pool, cl);

        if (b == upto) {
            break;
        }
    }

    if (ctx->held == NULL) {
        ctx->held_last = &ctx->held;
    }
}


/*
 * Pass `out` (or `in`, the caller's chain untouched) to the next filter and
 * return what it returns (NGX_AGAIN included). Then our output buffers the
 * next filters are done with, in order, release the input buffers their
 * chunk held (the buffer's shadow is the last of them), and go back to the
 * free list.
 */
static ngx_int_t
ngx_http_wasm_body_next(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_chain_t *in, ngx_chain_t *out)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t  *cl, **ll;

    rc = ngx_http_next_body_filter(r, out ? out : in);

    if (out) {
        for (ll = &ctx->out_busy; *ll; ll = &(*ll)->next) { /* void */ }
        *ll = out;
    }

    for (cl = ctx->out_busy; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_size(b) != 0) {
            break;
        }

        if (b->shadow) {
            ngx_http_wasm_release(r, ctx, b->shadow);
            b->shadow = NULL;
        }
    }

    out = NULL;
    ngx_chain_update_chains(r->pool, &ctx->out_free, &ctx->out_busy, &out,
                            NGX_HTTP_WASM_BUF_TAG);

    return rc;
}


/* a replacement the guest started but did not complete goes back */
static void
ngx_http_wasm_chunk_out_free(ngx_http_wasm_ctx_t *ctx)
{
    if (ctx->chunk_out) {
        ctx->chunk_out->next = ctx->out_free;
        ctx->out_free = ctx->chunk_out;
        ctx->chunk_out = NULL;
    }
}


/*
 * The guest replaced the chunk: its output buffer goes on with the input's
 * flags; the input buffers with data are held until that buffer is sent
 * (recycled if any of them is: the write filter sends such buffers at once,
 * so their producer gets them back). An empty replacement consumes the input
 * now and sends only what the flags need.
 */
static ngx_int_t
ngx_http_wasm_body_replace(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_chain_t *in)
{
    ngx_buf_t    *b, *shadow;
    ngx_uint_t    flush, recycled;
    ngx_chain_t  *cl, *hl, *out;

    out = ctx->chunk_out;
    ctx->chunk_out = NULL;

    flush = 0;
    recycled = 0;
    shadow = NULL;

    if (ctx->held == NULL) {
        ctx->held_last = &ctx->held;
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;
        flush |= b->flush;

        if (out == NULL || ngx_buf_special(b) || ngx_buf_size(b) == 0) {
            ngx_http_wasm_consume(b);
            continue;
        }

        hl = ngx_alloc_chain_link(r->pool);
        if (hl == NULL) {
            return NGX_ERROR;
        }

        hl->buf = b;
        hl->next = NULL;
        *ctx->held_last = hl;
        ctx->held_last = &hl->next;

        recycled |= b->recycled;
        shadow = b;
    }

    if (out) {
        b = out->buf;
        b->temporary = 1;
        b->last_buf = 0;
        b->last_in_chain = 0;
        b->flush = flush;
        b->recycled = recycled;
        b->shadow = shadow;

    } else if (ctx->chunk_eof) {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->flush = flush;

    } else if (flush) {
        /* one per request, sent as often as needed: nothing changes it */
        if (ctx->flush_buf == NULL) {
            ctx->flush_buf = ngx_calloc_buf(r->pool);
            if (ctx->flush_buf == NULL) {
                return NGX_ERROR;
            }

            ctx->flush_buf->flush = 1;
        }

        b = ctx->flush_buf;

    } else {
        /* nothing to send; the next filters may still have work */
        return ngx_http_wasm_body_next(r, ctx, NULL, NULL);
    }

    if (ctx->chunk_eof) {
        b->last_buf = (r == r->main) ? 1 : 0;
        b->last_in_chain = 1;
    }

    if (out == NULL) {
        out = ngx_alloc_chain_link(r->pool);
        if (out == NULL) {
            return NGX_ERROR;
        }

        out->buf = b;
    }

    out->next = NULL;

    return ngx_http_wasm_body_next(r, ctx, NULL, out);
}


/*
 * One guest invocation for the chain `in` as it is (it has data or ends
 * the body); no copy of a chunk the guest leaves as it is.
 */
static ngx_int_t
ngx_http_wasm_body_chunk(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_http_wasm_handler_t *handler, ngx_chain_t *in)
{
    ngx_int_t                  rc;
    ngx_buf_t                 *b;
    ngx_uint_t                 bit;
    ngx_chain_t                flush;
    ngx_http_wasm_instance_t  *wi;

    bit = ngx_http_wasm_phase_bit(NGX_HTTP_WASM_BODY_FILTER);

    if (ctx->done & bit) {
        return ngx_http_wasm_body_next(r, ctx, in, NULL);
    }

    ngx_http_wasm_chunk_size(ctx, in);

    if (ctx->chunk_len == 0 && !ctx->chunk_eof) {
        /* flush or sync buffers only */
        return ngx_http_wasm_body_next(r, ctx, in, NULL);
    }

    wi = ngx_http_wasm_instance(r, ctx, NGX_HTTP_WASM_BODY_FILTER, handler);
    if (wi == NULL) {
        return NGX_ERROR;
    }

    ctx->chunk_in = in;
    ctx->chunk_out = NULL;
    ctx->chunk_active = 1;
    ctx->chunk_replaced = 0;

    rc = ngx_http_wasm_invoke(wi);

    ctx->chunk_active = 0;
    ctx->chunk_in = NULL;

    if (rc != NGX_OK) {
        /*
         * the header is gone (or waits in the write filter: flush it, so
         * the client sees the status); all we can do is cut the response
         */
        ngx_http_wasm_chunk_out_free(ctx);
        ctx->done |= bit;

        b = ngx_calloc_buf(r->pool);
        if (b != NULL) {
            b->flush = 1;
            flush.buf = b;
            flush.next = NULL;
            (void) ngx_http_next_body_filter(r, &flush);
        }

        return NGX_ERROR;
    }

    if (ctx->chunk_eof) {
        ctx->done |= bit;
    }

    if (!ctx->chunk_replaced) {
        ngx_http_wasm_chunk_out_free(ctx);
        return ngx_http_wasm_body_next(r, ctx, in, NULL);
    }

    return ngx_http_wasm_body_replace(r, ctx, in);
}


/* a buffer whose data is only in a file (static files, temp files, cache) */
#define ngx_http_wasm_file_only(b)                                           \
    ((b)->in_file && !ngx_buf_in_memory(b) && !ngx_buf_special(b))


static ngx_uint_t
ngx_http_wasm_has_file(ngx_chain_t *in)
{
    for ( /* void */ ; in; in = in->next) {
        if (ngx_http_wasm_file_only(in->buf)) {
            return 1;
        }
    }

    return 0;
}


/*
 * The next piece of ctx->file_in, taken off it: a run of buffers not only in
 * a file (*guest = 1, one chunk as without files), or a window of at most
 * `size` bytes of a file-only buffer (*guest = 1; the last window carries
 * the buffer's flags), or with size 0 the whole file-only buffer (*guest = 0)
 * whose end-of-body flags stay behind on an empty buffer for the guest.
 */
static ngx_chain_t *
ngx_http_wasm_file_piece(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    size_t size, ngx_uint_t *guest)
{
    off_t         n;
    ngx_buf_t    *b, *w, *end;
    ngx_chain_t  *cl, *wl, **ll;

    cl = ctx->file_in;
    b = cl->buf;
    *guest = 1;

    if (!ngx_http_wasm_file_only(b)) {
        while (cl->next && !ngx_http_wasm_file_only(cl->next->buf)) {
            cl = cl->next;
        }

        wl = ctx->file_in;
        ctx->file_in = cl->next;
        cl->next = NULL;

        return wl;
    }

    wl = ngx_chain_get_free_buf(r->pool, &ctx->win_free);
    if (wl == NULL) {
        return NULL;
    }

    w = wl->buf;
    ngx_memzero(w, sizeof(ngx_buf_t));
    w->tag = NGX_HTTP_WASM_WIN_TAG;
    w->in_file = 1;
    w->file = b->file;
    w->file_pos = b->file_pos;

    n = b->file_last - b->file_pos;

    if (size == 0) {
        *guest = 0;

    } else if (n > (off_t) size) {
        n = size;
    }

    w->file_last = b->file_pos + n;
    b->file_pos = w->file_last;

    if (b->file_pos == b->file_last) {
        if (size == 0 && (b->last_buf || b->last_in_chain)) {
            /* the guest still sees the end of the body */
            end = ngx_calloc_buf(r->pool);
            if (end == NULL) {
                return NULL;
            }

            end->flush = b->flush;
            end->last_buf = b->last_buf;
            end->last_in_chain = b->last_in_chain;
            cl->buf = end;

        } else {
            w->flush = b->flush;
            w->last_buf = b->last_buf;
            w->last_in_chain = b->last_in_chain;
            ctx->file_in = cl->next;
            ngx_free_chain(r->pool, cl);
        }
    }

    /* windows go back to win_free once the next filters have sent them */
    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NULL;
    }

    cl->buf = w;
    cl->next = NULL;

    for (ll = &ctx->win_busy; *ll; ll = &(*ll)->next) { /* void */ }
    *ll = cl;

    wl->next = NULL;

    return wl;
}


/*
 * A chain with file-only buffers: they are cut into windows of at most
 * wasm_body_filter_file_chunk_size bytes, one invocation each, that
 * resp_get_body_chunk reads from the file; a window the guest leaves as it
 * is goes on as a file buffer (sendfile stays). With size 0 they pass
 * untouched. While the next filters are busy the rest waits in
 * ctx->file_in (r->buffered): a large file costs one window at a time.
 */
static ngx_int_t
ngx_http_wasm_body_file(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_http_wasm_handler_t *handler, size_t size, ngx_chain_t *in)
{
    ngx_int_t     rc;
    ngx_uint_t    guest;
    ngx_chain_t  *piece, *next, *none;

    if (in && ngx_chain_add_copy(r->pool, &ctx->file_in, in) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = NGX_OK;

    while (ctx->file_in) {

        if (rc == NGX_AGAIN) {
            r->buffered |= NGX_HTTP_WASM_BUFFERED;
            return NGX_AGAIN;
        }

        piece = ngx_http_wasm_file_piece(r, ctx, size, &guest);
        if (piece == NULL) {
            return NGX_ERROR;
        }

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "wasm body filter: file piece of %O, guest %ui",
                       ngx_buf_size(piece->buf), guest);

        if (guest) {
            rc = ngx_http_wasm_body_chunk(r, ctx, handler, piece);

        } else {
            rc = ngx_http_wasm_body_next(r, ctx, piece, NULL);
        }

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        /* the next filters keep links of their own */
        while (piece) {
            next = piece->next;
            ngx_free_chain(r->pool, piece);
            piece = next;
        }

        none = NULL;
        ngx_chain_update_chains(r->pool, &ctx->win_free, &ctx->win_busy,
                                &none, NGX_HTTP_WASM_WIN_TAG);
    }

    r->buffered &= ~NGX_HTTP_WASM_BUFFERED;

    return rc;
}


static ngx_int_t
ngx_http_wasm_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_handler_t   *handler;
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);
    handler = wlcf->handlers[NGX_HTTP_WASM_BODY_FILTER];

    if (handler == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    if (in == NULL) {
        /* the next filters can send more: ours may come back */
        ctx = ngx_http_get_module_ctx(r, ngx_http_wasm_module);

        if (ctx == NULL) {
            return ngx_http_next_body_filter(r, in);
        }

        if (ctx->file_in) {
            return ngx_http_wasm_body_file(r, ctx, handler,
                                           wlcf->file_chunk_size, NULL);
        }

        return ngx_http_wasm_body_next(r, ctx, NULL, NULL);
    }

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->file_in || ngx_http_wasm_has_file(in)) {
        return ngx_http_wasm_body_file(r, ctx, handler, wlcf->file_chunk_size,
                                       in);
    }

    return ngx_http_wasm_body_chunk(r, ctx, handler, in);
}

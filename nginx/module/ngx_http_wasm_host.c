/*
 * What the generated wrappers (ngx_http_wasm_host_functions.c) do around
 * every host function's semantics: the phase rule of the ABI (from the
 * generated NGX_WASM_FUNCTIONS table), guest memory ranges, the watchdog's
 * deferral; and the copies in and out the semantics use.
 */

#include "ngx_http_wasm_module.h"


typedef struct {
    const char  *name;
    ngx_uint_t   phases;
} ngx_http_wasm_function_t;

#define NGX_HTTP_WASM_FUNCTION(name, nparams, phases, area, reads_body)     \
    { #name, phases },

static const ngx_http_wasm_function_t  ngx_http_wasm_functions[] = {
    NGX_WASM_FUNCTIONS(NGX_HTTP_WASM_FUNCTION)
};

#undef NGX_HTTP_WASM_FUNCTION


/* the function being called, for messages (one guest call at a time) */
static ngx_uint_t  ngx_http_wasm_current;


/* entering host code: a call outside the function's phases traps */
ngx_http_wasm_instance_t *
ngx_http_wasm_host_begin(ngx_http_wasm_instance_t *wi, ngx_uint_t function)
{
    ngx_http_wasm_host_enter();

    ngx_http_wasm_current = function;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, wi->request->connection->log, 0,
                   "wasm: host call %s (phase %s)",
                   ngx_http_wasm_functions[function].name,
                   ngx_http_wasm_phase_names[wi->phase]);

    if (!(ngx_http_wasm_functions[function].phases
          & ngx_http_wasm_phase_bit(wi->phase)))
    {
        ngx_http_wasm_host_trap("%s is not allowed in phase %s",
                                ngx_http_wasm_functions[function].name,
                                ngx_http_wasm_phase_names[wi->phase]);
    }

    return wi;
}


uint32_t
ngx_http_wasm_host_end(int32_t rc)
{
    ngx_http_wasm_host_leave();

    return (uint32_t) rc;
}


/* guest bytes [ptr, ptr + len): the caller has rejected negative values */
u_char *
ngx_http_wasm_guest_mem(ngx_http_wasm_instance_t *wi, int32_t ptr,
    int32_t len)
{
    uint32_t           end;
    unsigned int      *dirty;
    wasm_rt_memory_t  *mem;

    /* re-read every time: memory.grow may have moved it */
    mem = wi->handler->guest->memory(wi->instance);

    if ((uint64_t) (uint32_t) ptr + (uint32_t) len > mem->size) {
        ngx_http_wasm_host_trap("%s: memory range %D..%D is outside guest "
                                "memory (%uD bytes)",
                                ngx_http_wasm_functions[ngx_http_wasm_current]
                                    .name,
                                ptr, ptr + len, mem->size);
    }

    /* the host may write there: it counts as the guest's writes do */
    if (wi->handler->guest->dirty) {
        dirty = wi->handler->guest->dirty(wi->instance);
        end = (uint32_t) ptr + (uint32_t) len;

        if (end > *dirty) {
            *dirty = end;
        }
    }

    return mem->data + ptr;
}


/* a request-pool copy of guest bytes, which the guest may overwrite once
 * the call returns; NULL when out of memory */
u_char *
ngx_http_wasm_copy_in(ngx_http_wasm_instance_t *wi, u_char *data, size_t len)
{
    u_char  *copy;

    copy = ngx_pnalloc(wi->request->pool, len ? len : 1);
    if (copy == NULL) {
        return NULL;
    }

    return ngx_cpymem(copy, data, len) - len;
}


/* a getter: copy what fits into the guest buffer; return the full length */
int32_t
ngx_http_wasm_copy_out(u_char *buf, size_t buf_len, u_char *data, size_t len)
{
    ngx_memcpy(buf, data, ngx_min(len, buf_len));

    return len > NGX_MAX_INT32_VALUE ? NGX_WASM_ERROR : (int32_t) len;
}


/* the first live entry named `name` (any case), from (*part, *index) on */
ngx_table_elt_t *
ngx_http_wasm_find_header(ngx_list_t *headers, u_char *name, size_t len,
    ngx_list_part_t **part, ngx_uint_t *index)
{
    ngx_uint_t        i;
    ngx_list_part_t  *pt;
    ngx_table_elt_t  *h;

    pt = *part ? *part : &headers->part;
    i = *part ? *index : 0;

    for ( ;; ) {

        if (i >= pt->nelts) {
            if (pt->next == NULL) {
                return NULL;
            }

            pt = pt->next;
            i = 0;
            continue;
        }

        h = pt->elts;
        h = &h[i];

        if (h->hash != 0 && h->key.len == len
            && ngx_strncasecmp(h->key.data, name, len) == 0)
        {
            *part = pt;
            *index = i;
            return h;
        }

        i++;
    }
}

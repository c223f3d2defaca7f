/*
 * What every Z_envZ_* host function does around its work: the phase rule
 * of the ABI (from the generated NGX_WASM_FUNCTIONS table), guest memory
 * ranges, copying values out to the guest, and the watchdog's deferral.
 */

#include "ngx_http_wasm_module.h"


typedef struct {
    const char  *name;
    ngx_uint_t   phases;
} ngx_http_wasm_function_t;

#define NGX_HTTP_WASM_FUNCTION(name, nparams, phases, area)                  \
    { #name, phases },

static const ngx_http_wasm_function_t  ngx_http_wasm_functions[] = {
    NGX_WASM_FUNCTIONS(NGX_HTTP_WASM_FUNCTION)
};

#undef NGX_HTTP_WASM_FUNCTION


/* entering host code: a call outside the function's phases traps */
ngx_http_wasm_instance_t *
ngx_http_wasm_host_begin(ngx_http_wasm_instance_t *wi, ngx_uint_t function)
{
    ngx_http_wasm_host_enter();

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
    int32_t len, ngx_uint_t function)
{
    wasm_rt_memory_t  *mem;

    /* re-read every time: memory.grow may have moved it */
    mem = wi->handler->guest->memory(wi->instance);

    if ((uint64_t) (uint32_t) ptr + (uint32_t) len > mem->size) {
        ngx_http_wasm_host_trap("%s: memory range %D..%D is outside guest "
                                "memory (%uD bytes)",
                                ngx_http_wasm_functions[function].name,
                                ptr, ptr + len, mem->size);
    }

    return mem->data + ptr;
}


/* a request-pool copy of guest bytes [ptr, ptr + len), which the guest may
 * overwrite once the call returns; NULL when out of memory */
u_char *
ngx_http_wasm_copy_in(ngx_http_wasm_instance_t *wi, int32_t ptr, int32_t len,
    ngx_uint_t function)
{
    u_char  *p, *copy;

    p = ngx_http_wasm_guest_mem(wi, ptr, len, function);

    copy = ngx_pnalloc(wi->request->pool, len ? (size_t) len : 1);
    if (copy == NULL) {
        return NULL;
    }

    return ngx_cpymem(copy, p, len) - len;
}


/* copy what fits into the guest buffer; return the full length */
int32_t
ngx_http_wasm_copy_out(ngx_http_wasm_instance_t *wi, int32_t buf,
    int32_t buf_len, u_char *data, size_t len, ngx_uint_t function)
{
    u_char  *p;

    p = ngx_http_wasm_guest_mem(wi, buf, buf_len, function);

    ngx_memcpy(p, data, ngx_min(len, (size_t) buf_len));

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

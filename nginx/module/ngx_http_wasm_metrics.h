/*
 * The values of the metrics zone: one signed 64-bit value per series in an
 * ngx_atomic_t of the shared zone, changed by every worker in place, so a
 * value is always the sum over the workers. Header-only, so that
 * test/areas/metrics-values.c checks this arithmetic exactly as the module
 * runs it (saturation cannot be reached through the ABI: it takes 2^32
 * calls of counter_inc).
 */

#ifndef _NGX_HTTP_WASM_METRICS_H_INCLUDED_
#define _NGX_HTTP_WASM_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


_Static_assert(sizeof(ngx_atomic_t) == sizeof(int64_t),
               "the metrics zone needs a 64-bit ngx_atomic_t");


/*
 * Below this magnitude a plain atomic add cannot overflow: every add that
 * saw the value below it adds at most 2^31, and a process has at most one
 * add in flight (guests run one at a time per worker).
 */
#define NGX_HTTP_WASM_METRIC_FAST  ((int64_t) 1 << 62)


static ngx_inline int64_t
ngx_http_wasm_metric_value(ngx_atomic_t *value)
{
    return (int64_t) *value;
}


static ngx_inline void
ngx_http_wasm_metric_value_set(ngx_atomic_t *value, int64_t v)
{
    /* an aligned 64-bit store is atomic */
    *value = (ngx_atomic_uint_t) v;
}


/* add delta (|delta| <= 2^31), saturating at the i64 bounds */
static ngx_inline void
ngx_http_wasm_metric_value_add(ngx_atomic_t *value, int64_t delta)
{
    int64_t  old, sum;

    old = (int64_t) *value;

    if (old > -NGX_HTTP_WASM_METRIC_FAST && old < NGX_HTTP_WASM_METRIC_FAST) {
        (void) ngx_atomic_fetch_add(value, (ngx_atomic_int_t) delta);
        return;
    }

    for ( ;; ) {

        if (delta > 0 && old > INT64_MAX - delta) {
            sum = INT64_MAX;

        } else if (delta < 0 && old < INT64_MIN - delta) {
            sum = INT64_MIN;

        } else {
            sum = old + delta;
        }

        if (sum == old
            || ngx_atomic_cmp_set(value, (ngx_atomic_uint_t) old,
                                  (ngx_atomic_uint_t) sum))
        {
            return;
        }

        old = (int64_t) *value;
    }
}


#endif /* _NGX_HTTP_WASM_METRICS_H_INCLUDED_ */

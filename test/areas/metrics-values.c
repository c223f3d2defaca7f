/*
 * The arithmetic of the metrics zone's values, exactly as the nginx module
 * runs it (nginx/module/ngx_http_wasm_metrics.h), where the ABI cannot
 * reach: saturation at the i64 bounds takes 2^32 calls of counter_inc.
 * Built against the configured nginx tree and run by
 * test/areas/metrics.test.ts, which compares the lines printed here.
 * Two processes change one value of a shared mapping at once, as two
 * workers change one value of the zone.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http_wasm_metrics.h>

#include <sys/mman.h>
#include <sys/wait.h>


static void
add_n(ngx_atomic_t *value, int64_t delta, long n)
{
    while (n--) {
        ngx_http_wasm_metric_value_add(value, delta);
    }
}


/* two processes each call add_n(value, delta[i], n) at once */
static int64_t
race(ngx_atomic_t *value, int64_t start, int64_t delta0, int64_t delta1,
    long n)
{
    int     i;
    pid_t   pid[2];
    int64_t delta[2];

    delta[0] = delta0;
    delta[1] = delta1;

    ngx_http_wasm_metric_value_set(value, start);

    for (i = 0; i < 2; i++) {
        pid[i] = fork();

        if (pid[i] == 0) {
            add_n(value, delta[i], n);
            _exit(0);
        }
    }

    for (i = 0; i < 2; i++) {
        waitpid(pid[i], NULL, 0);
    }

    return ngx_http_wasm_metric_value(value);
}


int
main(void)
{
    ngx_atomic_t  *v;

    v = mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1,
             0);
    if (v == MAP_FAILED) {
        return 1;
    }

    ngx_http_wasm_metric_value_set(v, 0);
    add_n(v, 41, 1);
    add_n(v, 1, 1);
    printf("0 + 41 + 1 = %lld\n", (long long) ngx_http_wasm_metric_value(v));

    ngx_http_wasm_metric_value_set(v, INT64_MAX - 5);
    add_n(v, 2147483647, 1);
    printf("max - 5 + 2147483647 = %lld\n",
           (long long) ngx_http_wasm_metric_value(v));
    add_n(v, 1, 1);
    add_n(v, 0, 1);
    printf("then + 1 + 0 = %lld\n", (long long) ngx_http_wasm_metric_value(v));

    ngx_http_wasm_metric_value_set(v, INT64_MAX - 2147483647);
    add_n(v, 2147483647, 1);
    printf("max - 2147483647 + 2147483647 = %lld\n",
           (long long) ngx_http_wasm_metric_value(v));

    ngx_http_wasm_metric_value_set(v, INT64_MIN + 1);
    add_n(v, -10, 1);
    printf("min + 1 - 10 = %lld\n", (long long) ngx_http_wasm_metric_value(v));
    add_n(v, -2147483648LL, 1);
    add_n(v, 7, 1);
    printf("then - 2147483648 + 7 = %lld\n",
           (long long) ngx_http_wasm_metric_value(v));

    ngx_http_wasm_metric_value_set(v, NGX_HTTP_WASM_METRIC_FAST - 3);
    add_n(v, 10, 2);
    add_n(v, -30, 1);
    printf("2^62 - 3 + 10 + 10 - 30 = %lld\n",
           (long long) ngx_http_wasm_metric_value(v));

    ngx_http_wasm_metric_value_set(v, -NGX_HTTP_WASM_METRIC_FAST + 3);
    add_n(v, -10, 1);
    add_n(v, 20, 1);
    printf("-2^62 + 3 - 10 + 20 = %lld\n",
           (long long) ngx_http_wasm_metric_value(v));

    printf("2 processes x 1000000 x (+1) from 0 = %lld\n",
           (long long) race(v, 0, 1, 1, 1000000));

    printf("2 processes x 1000000 x (+1, -1) from 0 = %lld\n",
           (long long) race(v, 0, 1, -1, 1000000));

    printf("2 processes x 1000 x (+2147483647) from max - 2^40 = %lld\n",
           (long long) race(v, INT64_MAX - ((int64_t) 1 << 40), 2147483647,
                            2147483647, 1000));

    printf("2 processes x 1000 x (-2147483648) from min + 2^40 = %lld\n",
           (long long) race(v, INT64_MIN + ((int64_t) 1 << 40),
                            -2147483648LL, -2147483648LL, 1000));

    printf("2 processes x 100000 x (+1) from max - 150000 = %lld\n",
           (long long) race(v, INT64_MAX - 150000, 1, 1, 100000));

    return 0;
}

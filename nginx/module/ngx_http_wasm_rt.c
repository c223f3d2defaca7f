/*
 * This project's implementation of the wasm2c runtime interface (wasm-rt.h)
 * in bounds-check mode: linear memories and tables on the C heap, function
 * type registry, traps as longjmp back to ngx_http_wasm_rt_call().
 *
 * The runtime state (jump buffer, call depth, flags) is global: a worker
 * runs one guest call at a time, never from a thread pool.
 */

#include "ngx_http_wasm_module.h"

#include <sys/mman.h>
#include <ucontext.h>


#define NGX_HTTP_WASM_PAGE_SIZE     65536
#define NGX_HTTP_WASM_MAX_ELEMENTS  (1u << 20)


typedef struct {
    uint32_t          params;
    uint32_t          results;
    wasm_rt_type_t   *types;
} ngx_http_wasm_func_type_t;


uint32_t  wasm_rt_call_stack_depth;

u_char                 ngx_http_wasm_trap_msg[256];
volatile sig_atomic_t  ngx_http_wasm_in_guest;
volatile sig_atomic_t  ngx_http_wasm_in_host;
volatile sig_atomic_t  ngx_http_wasm_time_up;

/* why the current call's most recent memory.grow was refused, for the log */
#define NGX_HTTP_WASM_GROW_AT_LIMIT     1
#define NGX_HTTP_WASM_GROW_NO_MEMORY    2

static ngx_uint_t                  ngx_http_wasm_grow_refused;
static jmp_buf                     ngx_http_wasm_jmp_buf;
static jmp_buf                    *ngx_http_wasm_trap_jmp    /* the call's */
                                       = &ngx_http_wasm_jmp_buf;
static ngx_http_wasm_instance_t   *ngx_http_wasm_running;    /* its instance */
/* the end of what the instance being freed wrote (ngx_http_wasm_free_instance) */
static uint32_t                    ngx_http_wasm_release_dirty = UINT32_MAX;
static WASM_RT_UNWIND_TARGET      *ngx_http_wasm_unwind_target;
static ngx_uint_t                  ngx_http_wasm_rt_initialized;
static ngx_http_wasm_func_type_t  *ngx_http_wasm_func_types;

static void ngx_http_wasm_rt_begin(jmp_buf *target, ngx_msec_t time_limit);
static void ngx_http_wasm_rt_end(ngx_http_wasm_instance_t *wi,
    ngx_uint_t watchdog);
static wasm_rt_trap_t ngx_http_wasm_co_start(ngx_http_wasm_instance_t *wi,
    ngx_msec_t time_limit, uint32_t *result);
static void ngx_http_wasm_co_suspend(ngx_http_wasm_co_t *co);
static uint32_t                    ngx_http_wasm_nfunc_types;


void
wasm_rt_init(void)
{
    ngx_http_wasm_rt_initialized = 1;
}


bool
wasm_rt_is_initialized(void)
{
    return ngx_http_wasm_rt_initialized;
}


void
wasm_rt_free(void)
{
    ngx_http_wasm_rt_initialized = 0;
}


void
wasm_rt_trap(wasm_rt_trap_t trap)
{
    if (!ngx_http_wasm_in_guest) {
        /* generated code traps only inside a call: a bug of ours */
        ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, 0,
                      "wasm: trap %d outside of a guest call", (int) trap);
        abort();
    }

    longjmp(*ngx_http_wasm_trap_jmp, trap == WASM_RT_TRAP_NONE
                                     ? WASM_RT_TRAP_UNREACHABLE : (int) trap);
}


void
ngx_http_wasm_host_trap(const char *fmt, ...)
{
    va_list  args;
    u_char  *p;

    va_start(args, fmt);
    p = ngx_vslprintf(ngx_http_wasm_trap_msg,
                      ngx_http_wasm_trap_msg + sizeof(ngx_http_wasm_trap_msg)
                      - 1, fmt, args);
    va_end(args);
    *p = '\0';

    ngx_http_wasm_in_host = 0;
    wasm_rt_trap((wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_HOST);
}


/* host code must not be interrupted by the watchdog's longjmp */

void
ngx_http_wasm_host_enter(void)
{
    ngx_http_wasm_in_host = 1;
}


void
ngx_http_wasm_host_leave(void)
{
    ngx_http_wasm_in_host = 0;

    if (ngx_http_wasm_time_up) {
        wasm_rt_trap((wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_TIME_LIMIT);
    }
}


const char *
wasm_rt_strerror(wasm_rt_trap_t trap)
{
    switch (trap) {
    case WASM_RT_TRAP_NONE:
        return "no trap";
    case WASM_RT_TRAP_OOB:
        return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW:
        return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO:
        return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION:
        return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE:
        return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT:
        return "indirect call to a null or mismatched function";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
        return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION:
        return "call stack exhausted";
    }

    return "unknown trap";
}


/*
 * Fuel (wasm_fuel_limit, wasm_timeslice_fuel). A guest compiled with fuel
 * charges its counter (in the instance: ngx_http_wasm_tune_c); the counter
 * holds a grant, at most a time slice, and the rest of the invocation's
 * budget stays in wi->fuel_budget. When the counter goes below zero the
 * guest calls ngx_http_wasm_fuel_out(): with budget left the charge opens
 * the next grant, and with time slices the call is suspended first; with
 * none left the invocation has used its limit.
 */
static void
ngx_http_wasm_fuel_grant(ngx_http_wasm_instance_t *wi, long long *counter)
{
    long long  give;

    give = wi->fuel_slice ? ngx_min((long long) wi->fuel_slice,
                                    wi->fuel_budget)
                          : wi->fuel_budget;

    wi->fuel_budget -= give;
    *counter = give;
}


void
ngx_http_wasm_fuel_out(void *instance)
{
    long long                 *counter;
    ngx_http_wasm_instance_t  *wi;

    wi = ngx_http_wasm_running;
    counter = wi->handler->guest->fuel_counter(instance);

    if (wi->fuel_budget == 0) {
        ngx_snprintf(ngx_http_wasm_trap_msg,
                     sizeof(ngx_http_wasm_trap_msg) - 1,
                     "fuel exhausted: the invocation used more than its "
                     "wasm_fuel_limit of %L units (one per loop iteration "
                     "and per call of a function that calls or loops)%Z",
                     wi->fuel_total);

        wasm_rt_trap((wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_HOST);
    }

    /* the charge that got here is the first unit of the next grant */
    ngx_http_wasm_fuel_grant(wi, counter);
    (*counter)--;

    if (wi->co) {
        ngx_http_wasm_co_suspend(wi->co);
    }
}


/* fuel the invocation used so far: what was granted, less what is left */
static long long
ngx_http_wasm_fuel_used(ngx_http_wasm_instance_t *wi)
{
    long long  left;

    left = *wi->handler->guest->fuel_counter(wi->instance);

    return wi->fuel_total - wi->fuel_budget - ngx_max(left, 0);
}


const char *
ngx_http_wasm_trap_reason(wasm_rt_trap_t trap)
{
    switch ((int) trap) {
    case NGX_HTTP_WASM_TRAP_HOST:
        return (const char *) ngx_http_wasm_trap_msg;
    case NGX_HTTP_WASM_TRAP_TIME_LIMIT:
        return "time limit exceeded";
    }

    return wasm_rt_strerror(trap);
}


/*
 * Why the current (or last) guest call's most recent memory.grow was
 * refused, or NULL: a guest that hits the limit usually traps ("unreachable
 * executed", from AssemblyScript's allocator), and the log line should say
 * why.
 */
const char *
ngx_http_wasm_memory_note(void)
{
    static u_char  note[64];

    switch (ngx_http_wasm_grow_refused) {

    case NGX_HTTP_WASM_GROW_AT_LIMIT:
        *ngx_snprintf(note, sizeof(note) - 1,
                      "memory limit (%ui MiB) reached",
                      (ngx_uint_t) NGX_HTTP_WASM_MAX_PAGES
                      * NGX_HTTP_WASM_PAGE_SIZE / (1024 * 1024)) = '\0';
        return (const char *) note;

    case NGX_HTTP_WASM_GROW_NO_MEMORY:
        return "out of memory growing guest memory";
    }

    return NULL;
}


/*
 * Call the guest (instantiate it, or call its handler export) with a trap
 * target, the call-depth budget of its stack, its fuel, and the watchdog.
 * Returns WASM_RT_TRAP_NONE, the trap that ended the call, or
 * NGX_HTTP_WASM_SUSPENDED: the call used a time slice and waits, on its own
 * stack, for ngx_http_wasm_rt_resume().
 */
wasm_rt_trap_t
ngx_http_wasm_rt_call(ngx_http_wasm_instance_t *wi, ngx_http_wasm_call_e what,
    ngx_http_wasm_limits_t *limits, uint32_t *result)
{
    int                    code;
    long long             *fuel;
    ngx_http_wasm_guest_t *guest;

    if (ngx_http_wasm_in_guest) {
        ngx_cpystrn(ngx_http_wasm_trap_msg,
                    (u_char *) "a guest call is already running",
                    sizeof(ngx_http_wasm_trap_msg));
        return (wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_HOST;
    }

    guest = wi->handler->guest;
    *result = 0;

    /*
     * a guest compiled with fuel: the export's call gets the limit and the
     * slices, instantiation is not counted
     */
    fuel = guest->fuel ? guest->fuel_counter(wi->instance) : NULL;
    wi->fuel_total = 0;

    if (fuel) {
        if (what == NGX_HTTP_WASM_CALL_EXPORT) {
            wi->fuel_total = limits->fuel ? (long long) limits->fuel
                                          : LLONG_MAX;
            wi->fuel_budget = wi->fuel_total;
            wi->fuel_slice = limits->slice;
            ngx_http_wasm_fuel_grant(wi, fuel);

        } else {
            *fuel = LLONG_MAX;
        }
    }

    /* the generated code traps past NGX_HTTP_WASM_MAX_CALL_DEPTH: start
     * where this guest's max_depth nested calls reach it */
    wasm_rt_call_stack_depth = NGX_HTTP_WASM_MAX_CALL_DEPTH - guest->max_depth;

    if (fuel && limits->slice && what == NGX_HTTP_WASM_CALL_EXPORT) {
        return ngx_http_wasm_co_start(wi, limits->time, result);
    }

    ngx_http_wasm_running = wi;
    ngx_http_wasm_rt_begin(&ngx_http_wasm_jmp_buf, limits->time);

    code = setjmp(ngx_http_wasm_jmp_buf);

    if (code == 0) {
        ngx_http_wasm_in_guest = 1;

        if (what == NGX_HTTP_WASM_CALL_INSTANTIATE) {
            guest->instantiate(wi->instance, wi);

        } else {
            *result = wi->handler->func(wi->instance);
        }
    }

    ngx_http_wasm_rt_end(ngx_http_wasm_running, limits->time != 0);

    return (wasm_rt_trap_t) code;
}


/* the runtime's per-call state, before a call (or a slice) runs */
static void
ngx_http_wasm_rt_begin(jmp_buf *target, ngx_msec_t time_limit)
{
    ngx_http_wasm_in_host = 0;
    ngx_http_wasm_time_up = 0;
    ngx_http_wasm_grow_refused = 0;
    ngx_http_wasm_trap_jmp = target;
    ngx_http_wasm_unwind_target = target;

    if (time_limit) {
        ngx_http_wasm_watchdog_arm(time_limit);
    }
}


/* ... and after it (done or suspended): the fuel it used counts when done */
static void
ngx_http_wasm_rt_end(ngx_http_wasm_instance_t *wi, ngx_uint_t watchdog)
{
    ngx_http_wasm_in_guest = 0;

    if (watchdog) {
        ngx_http_wasm_watchdog_disarm();
    }

    if (wi->fuel_total && !wi->suspended && wi->ctx) {
        wi->ctx->fuel_used += ngx_http_wasm_fuel_used(wi);
    }

    ngx_http_wasm_in_host = 0;
    ngx_http_wasm_time_up = 0;
    wasm_rt_call_stack_depth = 0;
    ngx_http_wasm_unwind_target = NULL;
    ngx_http_wasm_trap_jmp = &ngx_http_wasm_jmp_buf;
    ngx_http_wasm_running = NULL;
}


/*
 * Time slices (wasm_timeslice_fuel): the call runs on a stack of its own
 * (a coroutine, ucontext), so that it can stop in the middle, after a slice
 * of fuel, and let the worker serve other connections; the phase handler
 * resumes it on a later event-loop iteration. What wasm-rt keeps in
 * globals (the call depth; the trap target, which is the coroutine's own)
 * is saved while it waits. Only guest code suspends (at a fuel charge), never
 * a host function, so a suspended stack holds guest frames alone and a
 * request that ends meanwhile just drops it. wasm_time_limit bounds the
 * running time summed over the slices.
 */

#define NGX_HTTP_WASM_CO_STACK   (2 * 1024 * 1024)   /* guest budget x 2 */
#define NGX_HTTP_WASM_CO_GUARD   (64 * 1024)
#define NGX_HTTP_WASM_CO_CACHED  16

struct ngx_http_wasm_co_s {
    ucontext_t                 guest;
    ucontext_t                 host;
    u_char                    *stack;        /* the mapping: guard, stack */
    jmp_buf                    jmp;          /* traps, on this stack */
    ngx_http_wasm_instance_t  *wi;
    uint32_t                   depth;        /* call depth while waiting */
    uint32_t                   result;
    int                        code;
    ngx_msec_t                 time_limit;
    uint64_t                   ran;          /* running time so far, µs */
    unsigned                   done:1;
};

static ngx_http_wasm_co_t  *ngx_http_wasm_co_current;
static u_char              *ngx_http_wasm_co_stacks[NGX_HTTP_WASM_CO_CACHED];
static ngx_uint_t           ngx_http_wasm_co_nstacks;


static u_char *
ngx_http_wasm_co_stack_get(void)
{
    u_char  *p;

    if (ngx_http_wasm_co_nstacks) {
        return ngx_http_wasm_co_stacks[--ngx_http_wasm_co_nstacks];
    }

    p = mmap(NULL, NGX_HTTP_WASM_CO_GUARD + NGX_HTTP_WASM_CO_STACK,
             PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE,
             -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }

    /* an overflow faults instead of writing past the stack */
    if (mprotect(p, NGX_HTTP_WASM_CO_GUARD, PROT_NONE) != 0) {
        munmap(p, NGX_HTTP_WASM_CO_GUARD + NGX_HTTP_WASM_CO_STACK);
        return NULL;
    }

    return p;
}


static void
ngx_http_wasm_co_stack_put(u_char *p)
{
    if (ngx_http_wasm_co_nstacks < NGX_HTTP_WASM_CO_CACHED) {
        ngx_http_wasm_co_stacks[ngx_http_wasm_co_nstacks++] = p;
        return;
    }

    munmap(p, NGX_HTTP_WASM_CO_GUARD + NGX_HTTP_WASM_CO_STACK);
}


static uint64_t
ngx_http_wasm_co_now(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


/* the coroutine's body: the export's call with its trap target */
static void
ngx_http_wasm_co_main(void)
{
    int                  code;
    ngx_http_wasm_co_t  *co;

    /* no local lives across setjmp: a trap's longjmp would clobber it */
    code = setjmp(ngx_http_wasm_co_current->jmp);

    if (code == 0) {
        ngx_http_wasm_in_guest = 1;
        co = ngx_http_wasm_co_current;
        co->result = co->wi->handler->func(co->wi->instance);
    }

    co = ngx_http_wasm_co_current;
    co->code = code;
    co->done = 1;
    ngx_http_wasm_in_guest = 0;

    /* never resumed: its stack goes back to the cache */
    (void) swapcontext(&co->guest, &co->host);
}


/* run the coroutine until it is done or suspends again */
static wasm_rt_trap_t
ngx_http_wasm_co_run(ngx_http_wasm_co_t *co, uint32_t *result)
{
    int                        code;
    uint64_t                   start;
    ngx_msec_t                 left;
    ngx_http_wasm_instance_t  *wi;

    wi = co->wi;

    left = 0;
    if (co->time_limit) {
        if (co->ran >= (uint64_t) co->time_limit * 1000) {
            /* its slices have run for the whole wasm_time_limit */
            if (wi->fuel_total && wi->ctx) {
                wi->ctx->fuel_used += ngx_http_wasm_fuel_used(wi);
            }

            wasm_rt_call_stack_depth = 0;
            ngx_http_wasm_co_free(wi);

            return (wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_TIME_LIMIT;
        }

        /* what is left of it, rounded up */
        left = ((uint64_t) co->time_limit * 1000 - co->ran + 999) / 1000;
    }

    wi->suspended = 0;

    ngx_http_wasm_co_current = co;
    ngx_http_wasm_running = wi;
    ngx_http_wasm_rt_begin(&co->jmp, left);

    start = ngx_http_wasm_co_now();

    if (swapcontext(&co->host, &co->guest) != 0) {
        co->code = NGX_HTTP_WASM_TRAP_HOST;
        co->done = 1;
    }

    co->ran += ngx_http_wasm_co_now() - start;
    ngx_http_wasm_co_current = NULL;

    if (!co->done) {
        /* suspended at a fuel charge: keep what wasm-rt has in globals */
        co->depth = wasm_rt_call_stack_depth;
        wi->suspended = 1;
        ngx_http_wasm_rt_end(wi, left != 0);

        return (wasm_rt_trap_t) NGX_HTTP_WASM_SUSPENDED;
    }

    *result = co->result;
    code = co->code;
    ngx_http_wasm_rt_end(wi, left != 0);
    ngx_http_wasm_co_free(wi);

    return (wasm_rt_trap_t) code;
}


static wasm_rt_trap_t
ngx_http_wasm_co_start(ngx_http_wasm_instance_t *wi, ngx_msec_t time_limit,
    uint32_t *result)
{
    ngx_http_wasm_co_t  *co;

    co = ngx_calloc(sizeof(ngx_http_wasm_co_t), ngx_cycle->log);
    if (co == NULL) {
        goto failed;
    }

    co->stack = ngx_http_wasm_co_stack_get();
    if (co->stack == NULL) {
        ngx_free(co);
        goto failed;
    }

    if (getcontext(&co->guest) != 0) {
        ngx_http_wasm_co_stack_put(co->stack);
        ngx_free(co);
        goto failed;
    }

    co->guest.uc_stack.ss_sp = co->stack + NGX_HTTP_WASM_CO_GUARD;
    co->guest.uc_stack.ss_size = NGX_HTTP_WASM_CO_STACK;
    co->guest.uc_link = NULL;
    makecontext(&co->guest, ngx_http_wasm_co_main, 0);

    co->wi = wi;
    co->time_limit = time_limit;
    wi->co = co;

    return ngx_http_wasm_co_run(co, result);

failed:

    ngx_cpystrn(ngx_http_wasm_trap_msg,
                (u_char *) "no memory for the stack of a time-sliced call",
                sizeof(ngx_http_wasm_trap_msg));
    wasm_rt_call_stack_depth = 0;

    return (wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_HOST;
}


/* the next slice of a call that ngx_http_wasm_rt_call() left suspended */
wasm_rt_trap_t
ngx_http_wasm_rt_resume(ngx_http_wasm_instance_t *wi, uint32_t *result)
{
    if (ngx_http_wasm_in_guest) {
        ngx_cpystrn(ngx_http_wasm_trap_msg,
                    (u_char *) "a guest call is already running",
                    sizeof(ngx_http_wasm_trap_msg));
        return (wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_HOST;
    }

    wasm_rt_call_stack_depth = wi->co->depth;

    return ngx_http_wasm_co_run(wi->co, result);
}


/* on the coroutine's stack, from ngx_http_wasm_fuel_out(): wait */
static void
ngx_http_wasm_co_suspend(ngx_http_wasm_co_t *co)
{
    ngx_http_wasm_in_guest = 0;

    (void) swapcontext(&co->guest, &co->host);

    /* resumed: ngx_http_wasm_co_run() made this call the running one */
    ngx_http_wasm_in_guest = 1;
}


/* done, or dropped with its request: the stack goes back, unwound or not */
void
ngx_http_wasm_co_free(ngx_http_wasm_instance_t *wi)
{
    if (wi->co == NULL) {
        return;
    }

    ngx_http_wasm_co_stack_put(wi->co->stack);
    ngx_free(wi->co);
    wi->co = NULL;
    wi->suspended = 0;
}


WASM_RT_UNWIND_TARGET *
wasm_rt_get_unwind_target(void)
{
    return ngx_http_wasm_unwind_target;
}


void
wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target)
{
    ngx_http_wasm_unwind_target = target;
}


/* function types: equal signatures get equal numbers, across guests */

uint32_t
wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
    va_list                     args;
    uint32_t                    i, n;
    wasm_rt_type_t             *types;
    ngx_http_wasm_func_type_t  *ft;

    n = params + results;

    types = malloc((n ? n : 1) * sizeof(wasm_rt_type_t));
    if (types == NULL) {
        abort();
    }

    va_start(args, results);
    for (i = 0; i < n; i++) {
        types[i] = (wasm_rt_type_t) va_arg(args, int);
    }
    va_end(args);

    for (i = 0; i < ngx_http_wasm_nfunc_types; i++) {
        ft = &ngx_http_wasm_func_types[i];

        if (ft->params == params && ft->results == results
            && memcmp(ft->types, types, n * sizeof(wasm_rt_type_t)) == 0)
        {
            free(types);
            return i + 1;
        }
    }

    ft = realloc(ngx_http_wasm_func_types,
                 (ngx_http_wasm_nfunc_types + 1) * sizeof(*ft));
    if (ft == NULL) {
        abort();
    }

    ngx_http_wasm_func_types = ft;
    ft = &ngx_http_wasm_func_types[ngx_http_wasm_nfunc_types++];
    ft->params = params;
    ft->results = results;
    ft->types = types;

    return ngx_http_wasm_nfunc_types;
}


/*
 * Linear memory, capped at NGX_HTTP_WASM_MAX_PAGES.
 *
 * Freed memories are kept per worker for the next instance of that many
 * pages (at most NGX_HTTP_WASM_POOL_PER_SIZE of each size,
 * NGX_HTTP_WASM_POOL_BYTES in all), zeroed when they are released, so an
 * instance still starts with exactly a fresh memory's bytes (zero, then its
 * data segments) and no request sees another's. This saves a calloc and a
 * free per instance: freeing a 64 KiB block runs malloc_consolidate. Not in
 * the AddressSanitizer build, which should see every guest memory freed.
 */

#if defined(__SANITIZE_ADDRESS__)
#define NGX_HTTP_WASM_POOL           0
#else
#define NGX_HTTP_WASM_POOL           1
#endif
#define NGX_HTTP_WASM_POOL_PER_SIZE  4
#define NGX_HTTP_WASM_POOL_BYTES     (16 * 1024 * 1024)

static u_char     *ngx_http_wasm_pool[NGX_HTTP_WASM_MAX_PAGES + 1]
                                     [NGX_HTTP_WASM_POOL_PER_SIZE];
static ngx_uint_t  ngx_http_wasm_pool_n[NGX_HTTP_WASM_MAX_PAGES + 1];
static size_t      ngx_http_wasm_pool_bytes;


void
wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages,
    uint32_t max_pages)
{
    size_t  size;

    if (max_pages > NGX_HTTP_WASM_MAX_PAGES) {
        max_pages = NGX_HTTP_WASM_MAX_PAGES;
    }

    if (initial_pages > max_pages) {
        ngx_http_wasm_host_trap("the guest needs %uD memory pages, more than "
                                "the limit of %uD", initial_pages, max_pages);
    }

    ngx_http_wasm_host_enter();

    size = (size_t) initial_pages * NGX_HTTP_WASM_PAGE_SIZE;

    if (initial_pages && ngx_http_wasm_pool_n[initial_pages]) {
        /* zeroed when it was released */
        mem->data = ngx_http_wasm_pool[initial_pages]
                                      [--ngx_http_wasm_pool_n[initial_pages]];
        ngx_http_wasm_pool_bytes -= size;

    } else {
        mem->data = calloc(1, size ? size : 1);
    }

    mem->pages = initial_pages;
    mem->max_pages = max_pages;
    mem->size = size;

    if (mem->data == NULL) {
        mem->pages = 0;
        mem->size = 0;
        ngx_http_wasm_host_trap("out of memory allocating %uD pages",
                                initial_pages);
    }

    ngx_http_wasm_host_leave();
}


uint32_t
wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t delta)
{
    u_char    *data;
    uint32_t   old;

    old = mem->pages;

    if (delta == 0) {
        return old;
    }

    if (delta > mem->max_pages - old) {
        if ((uint64_t) old + delta > NGX_HTTP_WASM_MAX_PAGES) {
            /* our cap, not a smaller maximum the guest declared */
            ngx_http_wasm_grow_refused = NGX_HTTP_WASM_GROW_AT_LIMIT;
        }

        return UINT32_MAX;
    }

    ngx_http_wasm_host_enter();

    data = realloc(mem->data, (size_t) (old + delta) * NGX_HTTP_WASM_PAGE_SIZE);
    if (data == NULL) {
        ngx_http_wasm_grow_refused = NGX_HTTP_WASM_GROW_NO_MEMORY;
        ngx_http_wasm_host_leave();
        return UINT32_MAX;
    }

    ngx_memzero(data + (size_t) old * NGX_HTTP_WASM_PAGE_SIZE,
                (size_t) delta * NGX_HTTP_WASM_PAGE_SIZE);

    mem->data = data;
    mem->pages = old + delta;
    mem->size = mem->pages * NGX_HTTP_WASM_PAGE_SIZE;

    /* a guest that got its memory after all did not fail for want of it */
    ngx_http_wasm_grow_refused = 0;

    ngx_http_wasm_host_leave();

    return old;
}


void
wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
    uint64_t  pages;

    pages = mem->pages;

    if (NGX_HTTP_WASM_POOL
        && mem->data != NULL
        && pages != 0
        && pages <= NGX_HTTP_WASM_MAX_PAGES
        && ngx_http_wasm_pool_n[pages] < NGX_HTTP_WASM_POOL_PER_SIZE
        && ngx_http_wasm_pool_bytes + mem->size <= NGX_HTTP_WASM_POOL_BYTES)
    {
        /*
         * nothing of this request stays behind for the next one: what the
         * guest (and the host, for it) wrote, or all of it when untracked
         */
        ngx_memzero(mem->data, ngx_min(mem->size, ngx_http_wasm_release_dirty));

        ngx_http_wasm_pool[pages][ngx_http_wasm_pool_n[pages]++] = mem->data;
        ngx_http_wasm_pool_bytes += mem->size;

    } else {
        free(mem->data);
    }

    mem->data = NULL;
    mem->pages = 0;
    mem->size = 0;
}


/*
 * Free a guest instance; its memory goes back to the pool zeroed up to the
 * end of what was written in it (ngx_dirty, kept by the guest's rewritten C
 * and by ngx_http_wasm_guest_mem for the host's writes).
 */
void
ngx_http_wasm_free_instance(ngx_http_wasm_instance_t *wi)
{
    ngx_http_wasm_guest_t  *guest;

    guest = wi->handler->guest;

    ngx_http_wasm_release_dirty = guest->dirty ? *guest->dirty(wi->instance)
                                               : UINT32_MAX;
    guest->free(wi->instance);
    ngx_http_wasm_release_dirty = UINT32_MAX;
}


/*
 * tables: one allocation per table, grown with realloc. Freed arrays of up to
 * NGX_HTTP_WASM_TABLE_CACHE_BYTES are kept per worker for the next instance
 * of the same size: a guest's table costs no malloc/free per request, and no
 * small chunk freed per request makes the next request pool's malloc
 * consolidate the heap.
 */

#define NGX_HTTP_WASM_TABLE_CACHED       16
#define NGX_HTTP_WASM_TABLE_CACHE_BYTES  (64 * 1024)

typedef struct {
    void    *data;
    size_t   size;
} ngx_http_wasm_table_cached_t;

static ngx_http_wasm_table_cached_t
    ngx_http_wasm_table_cache[NGX_HTTP_WASM_TABLE_CACHED];
static ngx_uint_t  ngx_http_wasm_table_ncached;


static void *
ngx_http_wasm_table_alloc(uint32_t elements, size_t size)
{
    void        *data;
    size_t       bytes;
    ngx_uint_t   i;

    bytes = (size_t) (elements ? elements : 1) * size;

    for (i = 0; i < ngx_http_wasm_table_ncached; i++) {
        if (ngx_http_wasm_table_cache[i].size == bytes) {
            data = ngx_http_wasm_table_cache[i].data;
            ngx_http_wasm_table_cache[i] =
                ngx_http_wasm_table_cache[--ngx_http_wasm_table_ncached];

            ngx_memzero(data, bytes);
            return data;
        }
    }

    ngx_http_wasm_host_enter();

    data = calloc(elements ? elements : 1, size);
    if (data == NULL) {
        ngx_http_wasm_host_trap("out of memory allocating a table of %uD "
                                "elements", elements);
    }

    ngx_http_wasm_host_leave();

    return data;
}


static void
ngx_http_wasm_table_free(void *data, uint32_t elements, size_t size)
{
    size_t  bytes;

    bytes = (size_t) (elements ? elements : 1) * size;

    if (NGX_HTTP_WASM_POOL
        && data != NULL
        && bytes <= NGX_HTTP_WASM_TABLE_CACHE_BYTES
        && ngx_http_wasm_table_ncached < NGX_HTTP_WASM_TABLE_CACHED)
    {
        ngx_http_wasm_table_cache[ngx_http_wasm_table_ncached].data = data;
        ngx_http_wasm_table_cache[ngx_http_wasm_table_ncached++].size = bytes;
        return;
    }

    free(data);
}


static uint32_t
ngx_http_wasm_table_grow(void **data, uint32_t *cur, uint32_t max,
    uint32_t delta, size_t size)
{
    void      *p;
    uint32_t   old;

    old = *cur;

    if (delta == 0) {
        return old;
    }

    if (max > NGX_HTTP_WASM_MAX_ELEMENTS) {
        max = NGX_HTTP_WASM_MAX_ELEMENTS;
    }

    if (old > max || delta > max - old) {
        return UINT32_MAX;
    }

    ngx_http_wasm_host_enter();

    p = realloc(*data, (size_t) (old + delta) * size);
    if (p == NULL) {
        ngx_http_wasm_host_leave();
        return UINT32_MAX;
    }

    *data = p;
    *cur = old + delta;

    ngx_http_wasm_host_leave();

    return old;
}


void
wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *table,
    uint32_t elements, uint32_t max_elements)
{
    table->data = ngx_http_wasm_table_alloc(elements,
                                            sizeof(wasm_rt_funcref_t));
    table->size = elements;
    table->max_size = max_elements;
}


void
wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *table)
{
    ngx_http_wasm_table_free(table->data, table->size,
                             sizeof(wasm_rt_funcref_t));
    table->data = NULL;
    table->size = 0;
}


uint32_t
wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *table, uint32_t delta,
    wasm_rt_funcref_t init)
{
    uint32_t  old, i;

    old = ngx_http_wasm_table_grow((void **) &table->data, &table->size,
                                   table->max_size, delta,
                                   sizeof(wasm_rt_funcref_t));

    if (old != UINT32_MAX) {
        for (i = old; i < table->size; i++) {
            table->data[i] = init;
        }
    }

    return old;
}


void
wasm_rt_allocate_externref_table(wasm_rt_externref_table_t *table,
    uint32_t elements, uint32_t max_elements)
{
    table->data = ngx_http_wasm_table_alloc(elements,
                                            sizeof(wasm_rt_externref_t));
    table->size = elements;
    table->max_size = max_elements;
}


void
wasm_rt_free_externref_table(wasm_rt_externref_table_t *table)
{
    ngx_http_wasm_table_free(table->data, table->size,
                             sizeof(wasm_rt_externref_t));
    table->data = NULL;
    table->size = 0;
}


uint32_t
wasm_rt_grow_externref_table(wasm_rt_externref_table_t *table, uint32_t delta,
    wasm_rt_externref_t init)
{
    uint32_t  old, i;

    old = ngx_http_wasm_table_grow((void **) &table->data, &table->size,
                                   table->max_size, delta,
                                   sizeof(wasm_rt_externref_t));

    if (old != UINT32_MAX) {
        for (i = old; i < table->size; i++) {
            table->data[i] = init;
        }
    }

    return old;
}

/*
 * wasm_time_limit: wasm2c code has no fuel, so something outside the guest
 * must interrupt one that runs too long. Arming and disarming a POSIX timer
 * around every call cost 4 timer_settime syscalls per request; instead the
 * call path only stores its deadline (CLOCK_MONOTONIC_COARSE, read through
 * the vDSO: no syscall, plus its resolution, so that it is never early) in a
 * global, and a watchdog thread of the worker, started once, looks at it
 * every tick (10 ms) or at the running call's deadline if that comes first,
 * and sends the worker's main thread SIGRTMIN when a call is still running
 * past its deadline. With no guest call for NGX_HTTP_WASM_WATCHDOG_IDLE ticks
 * the thread parks on a futex, and the next call wakes it (one syscall after
 * an idle second), so an idle worker gets no wakeups.
 *
 * The signal handler, on the main thread, checks the deadline itself (the
 * call the thread saw may have ended, and another begun, before the signal
 * arrived), then traps the guest at once or, while a host function runs,
 * sets a flag that the host function checks when it returns to the guest
 * (ngx_http_wasm_host_leave). SA_NODEFER: the handler leaves through
 * longjmp, which does not restore the signal mask; without it the second
 * runaway guest would never be stopped. The thread blocks every signal, so
 * the process-directed signals nginx relies on (SIGHUP, SIGQUIT, SIGCHLD,
 * ...) still reach the main thread.
 */

#include "ngx_http_wasm_module.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <linux/futex.h>
#include <sys/syscall.h>


#define NGX_HTTP_WASM_WATCHDOG_TICK  10000000     /* ns, with no call */
#define NGX_HTTP_WASM_WATCHDOG_IDLE  100          /* ticks before parking */


static pthread_t   ngx_http_wasm_main_thread;
static pthread_t   ngx_http_wasm_watchdog_thread;
static ngx_uint_t  ngx_http_wasm_watchdog_ready;

/* the running call's deadline in ns of CLOCK_MONOTONIC, 0: none */
static volatile int64_t   ngx_http_wasm_deadline;
/* the resolution of CLOCK_MONOTONIC_COARSE, in ns */
static int64_t            ngx_http_wasm_coarse_res;
/* bumped by every armed call (only by the main thread, hence no atomic
 * increment): the thread's sign of activity */
static volatile uint32_t  ngx_http_wasm_calls;
/* 1: the thread sleeps on it until a call wakes it */
static volatile int       ngx_http_wasm_parked;
/* 1: the worker is exiting: the thread returns (joined before nginx
 * unloads this module, whose code it runs) */
static volatile int       ngx_http_wasm_watchdog_stop;


static int64_t
ngx_http_wasm_now_ns(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static void
ngx_http_wasm_watchdog_handler(int signo)
{
    int64_t  deadline;

    (void) signo;

    if (!ngx_http_wasm_in_guest) {
        return;
    }

    deadline = __atomic_load_n(&ngx_http_wasm_deadline, __ATOMIC_SEQ_CST);

    if (deadline == 0 || ngx_http_wasm_now_ns() < deadline) {
        return;
    }

    if (ngx_http_wasm_in_host) {
        ngx_http_wasm_time_up = 1;
        return;
    }

    wasm_rt_trap((wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_TIME_LIMIT);
}


static void *
ngx_http_wasm_watchdog_run(void *data)
{
    int64_t          deadline, now, wake;
    uint32_t         calls, seen;
    ngx_uint_t       idle;
    struct timespec  ts;

    (void) data;

    seen = __atomic_load_n(&ngx_http_wasm_calls, __ATOMIC_SEQ_CST);
    idle = NGX_HTTP_WASM_WATCHDOG_IDLE;       /* park until the first call */

    for ( ;; ) {
        if (__atomic_load_n(&ngx_http_wasm_watchdog_stop, __ATOMIC_SEQ_CST)) {
            return NULL;
        }

        deadline = __atomic_load_n(&ngx_http_wasm_deadline, __ATOMIC_SEQ_CST);
        now = ngx_http_wasm_now_ns();

        if (deadline != 0 && now >= deadline) {
            /* the handler checks again: this call may be over by now */
            (void) pthread_kill(ngx_http_wasm_main_thread, SIGRTMIN);
            wake = now + NGX_HTTP_WASM_WATCHDOG_TICK;   /* again, if ignored */

        } else if (deadline != 0) {
            /*
             * never past a tick: this call may end and the next one, under
             * a shorter wasm_time_limit, get an earlier deadline, which
             * arm() does not wake us for
             */
            wake = ngx_min(deadline, now + NGX_HTTP_WASM_WATCHDOG_TICK);

        } else {
            wake = now + NGX_HTTP_WASM_WATCHDOG_TICK;
        }

        calls = __atomic_load_n(&ngx_http_wasm_calls, __ATOMIC_SEQ_CST);

        if (calls != seen || deadline != 0) {
            seen = calls;
            idle = 0;

        } else if (++idle >= NGX_HTTP_WASM_WATCHDOG_IDLE) {
            __atomic_store_n(&ngx_http_wasm_parked, 1, __ATOMIC_SEQ_CST);

            if (__atomic_load_n(&ngx_http_wasm_calls, __ATOMIC_SEQ_CST)
                == seen)
            {
                /* returns at once if a call cleared "parked" meanwhile */
                (void) syscall(SYS_futex, &ngx_http_wasm_parked,
                               FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
            }

            __atomic_store_n(&ngx_http_wasm_parked, 0, __ATOMIC_SEQ_CST);
            idle = 0;
            continue;
        }

        ts.tv_sec = wake / 1000000000;
        ts.tv_nsec = wake % 1000000000;

        (void) clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }

    return NULL;
}


ngx_int_t
ngx_http_wasm_watchdog_init(ngx_log_t *log)
{
    int               err;
    sigset_t          all, old;
    struct timespec   res;
    struct sigaction  sa;

    if (ngx_http_wasm_watchdog_ready) {
        return NGX_OK;
    }

    ngx_memzero(&sa, sizeof(struct sigaction));
    sa.sa_handler = ngx_http_wasm_watchdog_handler;
    sa.sa_flags = SA_NODEFER | SA_RESTART;
    sigemptyset(&sa.sa_mask);

    if (sigaction(SIGRTMIN, &sa, NULL) == -1) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "wasm: sigaction(SIGRTMIN) failed");
        return NGX_ERROR;
    }

    if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == -1) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "wasm: clock_getres(CLOCK_MONOTONIC_COARSE) failed");
        return NGX_ERROR;
    }

    ngx_http_wasm_coarse_res = (int64_t) res.tv_sec * 1000000000
                               + res.tv_nsec;

    ngx_http_wasm_main_thread = pthread_self();

    /* the thread inherits this mask: no signal of the process goes to it */
    sigfillset(&all);
    (void) pthread_sigmask(SIG_SETMASK, &all, &old);

    err = pthread_create(&ngx_http_wasm_watchdog_thread, NULL,
                         ngx_http_wasm_watchdog_run, NULL);

    (void) pthread_sigmask(SIG_SETMASK, &old, NULL);

    if (err != 0) {
        ngx_log_error(NGX_LOG_ALERT, log, err,
                      "wasm: pthread_create() of the watchdog failed");
        return NGX_ERROR;
    }

    ngx_http_wasm_watchdog_ready = 1;

    return NGX_OK;
}


/*
 * The worker exits: stop and join the thread before nginx unloads this
 * module (a thread still running its code then crashes the worker). It
 * sleeps at most one tick, or is parked: wake it.
 */
void
ngx_http_wasm_watchdog_exit(void)
{
    if (!ngx_http_wasm_watchdog_ready) {
        return;
    }

    __atomic_store_n(&ngx_http_wasm_watchdog_stop, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&ngx_http_wasm_parked, 0, __ATOMIC_SEQ_CST);
    (void) syscall(SYS_futex, &ngx_http_wasm_parked, FUTEX_WAKE_PRIVATE, 1,
                   NULL, NULL, 0);

    (void) pthread_join(ngx_http_wasm_watchdog_thread, NULL);

    ngx_http_wasm_watchdog_ready = 0;
}


void
ngx_http_wasm_watchdog_arm(ngx_msec_t limit)
{
    struct timespec  ts;

    if (!ngx_http_wasm_watchdog_ready) {
        return;
    }

    /*
     * the coarse clock is the precise one as of its last tick, at most its
     * resolution behind: the deadline is never earlier than now + limit
     */
    (void) clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);

    ngx_http_wasm_calls++;

    /* a full barrier (xchg): the thread's "parked" store and our "calls"
     * store cannot both go unseen (see the thread's parking) */
    __atomic_store_n(&ngx_http_wasm_deadline,
                     (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec
                     + ngx_http_wasm_coarse_res + (int64_t) limit * 1000000,
                     __ATOMIC_SEQ_CST);

    if (__atomic_load_n(&ngx_http_wasm_parked, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&ngx_http_wasm_parked, 0, __ATOMIC_SEQ_CST);
        (void) syscall(SYS_futex, &ngx_http_wasm_parked, FUTEX_WAKE_PRIVATE,
                       1, NULL, NULL, 0);
    }
}


void
ngx_http_wasm_watchdog_disarm(void)
{
    __atomic_store_n(&ngx_http_wasm_deadline, 0, __ATOMIC_RELEASE);
}

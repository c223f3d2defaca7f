/*
 * wasm_time_limit: wasm2c code has no fuel, so a per-worker POSIX timer
 * (SIGRTMIN) interrupts a guest that runs too long. The handler traps the
 * guest at once, or, while a host function runs, sets a flag that the host
 * function checks when it returns to the guest (ngx_http_wasm_host_leave).
 * SA_NODEFER: the handler leaves through longjmp, which does not restore the
 * signal mask; without it the second runaway guest would never be stopped.
 */

#include "ngx_http_wasm_module.h"

#include <signal.h>
#include <time.h>


static timer_t     ngx_http_wasm_timer;
static ngx_uint_t  ngx_http_wasm_timer_ready;


static void
ngx_http_wasm_watchdog_handler(int signo)
{
    (void) signo;

    if (!ngx_http_wasm_in_guest) {
        return;
    }

    if (ngx_http_wasm_in_host) {
        ngx_http_wasm_time_up = 1;
        return;
    }

    wasm_rt_trap((wasm_rt_trap_t) NGX_HTTP_WASM_TRAP_TIME_LIMIT);
}


ngx_int_t
ngx_http_wasm_watchdog_init(ngx_log_t *log)
{
    struct sigaction  sa;
    struct sigevent   sev;

    if (ngx_http_wasm_timer_ready) {
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

    ngx_memzero(&sev, sizeof(struct sigevent));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;

    if (timer_create(CLOCK_MONOTONIC, &sev, &ngx_http_wasm_timer) == -1) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "wasm: timer_create() failed");
        return NGX_ERROR;
    }

    ngx_http_wasm_timer_ready = 1;

    return NGX_OK;
}


void
ngx_http_wasm_watchdog_arm(ngx_msec_t limit)
{
    struct itimerspec  its;

    if (!ngx_http_wasm_timer_ready) {
        return;
    }

    ngx_memzero(&its, sizeof(struct itimerspec));
    its.it_value.tv_sec = limit / 1000;
    its.it_value.tv_nsec = (limit % 1000) * 1000000;

    (void) timer_settime(ngx_http_wasm_timer, 0, &its, NULL);
}


void
ngx_http_wasm_watchdog_disarm(void)
{
    struct itimerspec  its;

    if (!ngx_http_wasm_timer_ready) {
        return;
    }

    ngx_memzero(&its, sizeof(struct itimerspec));

    (void) timer_settime(ngx_http_wasm_timer, 0, &its, NULL);
}

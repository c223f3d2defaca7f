/*
 * ngx_http_wasm_module: run ngx_wasm ABI v1 guests (WebAssembly compiled to
 * native code through wasm2c) as nginx request handlers.
 *
 * Shared types of the module. See README.md beside this file for the design.
 */

#ifndef _NGX_HTTP_WASM_MODULE_H_INCLUDED_
#define _NGX_HTTP_WASM_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/*
 * Bounds-check mode everywhere: the guests are compiled with the same value,
 * a mismatch would silently change the layout of wasm_rt_memory_t users.
 */
#ifdef WASM_RT_MEMCHECK_SIGNAL_HANDLER
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "ngx_http_wasm_module needs WASM_RT_MEMCHECK_SIGNAL_HANDLER=0"
#endif
#else
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER  0
#endif
#include <wasm-rt.h>

#define NGX_WASM_HOST
#include <ngx_wasm_guest_abi.h>
#include <ngx_wasm_hosts.h>


/*
 * ABI areas this host implements (one _api_*.c file each), from the "nginx"
 * entry of host-abi/hosts.json, which `ngxwasm validate/install` read too;
 * a guest that imports a function of any other area is refused at
 * configuration time
 */
#define NGX_HTTP_WASM_AREAS_IMPLEMENTED   NGX_WASM_HOST_NGINX_AREAS

/* phases this host runs, from the same entry: those of ngx_http_wasm_phase_e */
#define NGX_HTTP_WASM_PHASES_IMPLEMENTED  NGX_WASM_HOST_NGINX_PHASES


/* phases this host runs; index i is the ABI's phase bit (1u << i) */
typedef enum {
    NGX_HTTP_WASM_SERVER_REWRITE = 0,
    NGX_HTTP_WASM_REWRITE,
    NGX_HTTP_WASM_ACCESS,
    NGX_HTTP_WASM_CONTENT,
    NGX_HTTP_WASM_HEADER_FILTER,
    NGX_HTTP_WASM_BODY_FILTER,
    NGX_HTTP_WASM_LOG,
    NGX_HTTP_WASM_BALANCER,          /* balancer_by_wasm, in upstream {} */
    NGX_HTTP_WASM_NPHASES
} ngx_http_wasm_phase_e;

#define ngx_http_wasm_phase_bit(phase)  (1u << (phase))

/*
 * the TLS phases run from OpenSSL's callbacks, without a request, and have
 * no handler slot here (ngx_http_wasm_api_ssl.c): their ABI phase numbers
 */
#define NGX_HTTP_WASM_SSL_CLIENT_HELLO  8
#define NGX_HTTP_WASM_SSL_CERTIFICATE   9
#define NGX_HTTP_WASM_SSL_PHASES                                              \
    (ngx_http_wasm_phase_bit(NGX_HTTP_WASM_SSL_CLIENT_HELLO)                  \
     | ngx_http_wasm_phase_bit(NGX_HTTP_WASM_SSL_CERTIFICATE))

_Static_assert(NGX_HTTP_WASM_SSL_PHASES
               == (NGX_WASM_PHASE_SSL_CLIENT_HELLO
                   | NGX_WASM_PHASE_SSL_CERTIFICATE),
               "the TLS phases' numbers differ from abi.json's");

/* hosts.json lists exactly the phases above (and so their directives) */
_Static_assert((NGX_HTTP_WASM_PHASES_IMPLEMENTED & ~NGX_HTTP_WASM_SSL_PHASES)
               == (1u << NGX_HTTP_WASM_NPHASES) - 1,
               "host-abi/hosts.json: the nginx host's phases differ from "
               "ngx_http_wasm_phase_e");


/* memory cap of every guest: 256 pages of 64 KiB = 16 MiB */
#define NGX_HTTP_WASM_MAX_PAGES         NGX_WASM_MEMORY_MAX_PAGES

/*
 * Native stack: guest functions run on the worker's own stack, one C frame
 * per wasm call. Each guest gets a call-depth limit such that depth times
 * its largest frame (measured by cc -fstack-usage) stays within the budget;
 * the worker's stack limit must leave as much again for nginx and the host.
 */
#define NGX_HTTP_WASM_MAX_CALL_DEPTH    1000
#define NGX_HTTP_WASM_STACK_BUDGET      (1024 * 1024)
#define NGX_HTTP_WASM_FRAME_SLACK       64    /* return address, alignment */
#define NGX_HTTP_WASM_MIN_CALL_DEPTH    16

/* our own trap codes, beyond wasm_rt_trap_t */
#define NGX_HTTP_WASM_TRAP_HOST         100  /* message in ngx_http_wasm_trap_msg */
#define NGX_HTTP_WASM_TRAP_TIME_LIMIT   101
/* not a trap: the call used its time slice and waits to be resumed */
#define NGX_HTTP_WASM_SUSPENDED         102


/* one guest file: compiled once per configuration, dlopen'ed in the master */
typedef struct {
    ngx_str_t                  path;          /* absolute, NUL-terminated */
    void                      *handle;
    size_t                     instance_size;
    void                     (*instantiate)(void *instance, void *env);
    void                     (*free)(void *instance);
    wasm_rt_memory_t        *(*memory)(void *instance);
    struct ngx_http_wasm_info_s  *info;       /* valid while parsing */
    long long               *(*fuel_counter)(void *instance);  /* or NULL */
    unsigned int            *(*dirty)(void *instance);  /* or NULL */
    ngx_uint_t                 max_depth;     /* nested calls that fit */
    unsigned                   reads_body:1;  /* imports ngx_wasm_req_get_body */
    unsigned                   fuel:1;        /* compiled with fuel charges */
} ngx_http_wasm_guest_t;


/* one directive: a guest file and the export it calls */
typedef struct ngx_http_wasm_handler_s {
    ngx_http_wasm_guest_t     *guest;
    ngx_str_t                  export;
    uint32_t                 (*func)(void *instance);
    /* the same guest and export compiled with(out) fuel, once needed */
    struct ngx_http_wasm_handler_s  *twin;
} ngx_http_wasm_handler_t;


typedef struct ngx_http_wasm_metrics_s  ngx_http_wasm_metrics_t;


typedef struct {
    ngx_str_t                  cache_path;
    ngx_array_t                guests;        /* ngx_http_wasm_guest_t * */
    ngx_uint_t                 phases;        /* bits of configured phases */
    ngx_shm_zone_t            *shm_zone;      /* wasm_shm_zone, or NULL */
    ngx_http_wasm_metrics_t   *metrics;       /* declared metrics, or NULL */
    ngx_array_t               *balancers;     /* ngx_http_wasm_balancer_t */
    unsigned                   cache_ready:1;
} ngx_http_wasm_main_conf_t;


typedef struct {
    ngx_http_wasm_handler_t   *handlers[NGX_HTTP_WASM_NPHASES];
    size_t                     body_buffer_size;
    ngx_msec_t                 time_limit;
    ngx_uint_t                 max_invocations;  /* per export and request */
    size_t                     subrequest_buffer_size;
    size_t                     file_chunk_size;  /* 0: files pass as is */
    ngx_uint_t                 fuel_limit;    /* per invocation; 0: none */
    ngx_uint_t                 timeslice_fuel;  /* 0: no time slices */
} ngx_http_wasm_loc_conf_t;


typedef struct ngx_http_wasm_ctx_s  ngx_http_wasm_ctx_t;
typedef struct ngx_http_wasm_subreq_s  ngx_http_wasm_subreq_t;
typedef struct ngx_http_wasm_co_s  ngx_http_wasm_co_t;


/* what bounds one invocation (ngx_http_wasm_rt_call) */
typedef struct {
    ngx_msec_t                 time;          /* wasm_time_limit; 0: none */
    ngx_uint_t                 fuel;          /* wasm_fuel_limit; 0: none */
    ngx_uint_t                 slice;         /* wasm_timeslice_fuel; 0: none */
} ngx_http_wasm_limits_t;


/*
 * A guest instance for one request and one directive. It is also the
 * "env instance" wasm2c passes to every imported function, so the host
 * functions find their request through their first argument.
 */
typedef struct Z_env_instance_t {
    ngx_http_request_t        *request;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_handler_t   *handler;
    ngx_http_wasm_phase_e      phase;
    void                      *instance;      /* Z_guest_instance_t */
    ngx_uint_t                 invocations;
    ngx_http_wasm_subreq_t    *subreq;        /* subrequests, or NULL */
    ngx_http_wasm_co_t        *co;            /* a time-sliced call, or NULL */
    long long                  fuel_total;    /* the call's limit; 0: none */
    long long                  fuel_budget;   /* not granted yet */
    ngx_uint_t                 fuel_slice;
    unsigned                   instantiated:1;
    unsigned                   yielded:1;
    unsigned                   suspended:1;   /* waits in its time slice */
} ngx_http_wasm_instance_t;


/* per-request state */
struct ngx_http_wasm_ctx_s {
    ngx_http_request_t        *request;
    ngx_http_wasm_instance_t  *instances[NGX_HTTP_WASM_NPHASES];
    ngx_uint_t                 done;          /* bits of finished phases */

    /* response produced by a guest in rewrite/access/content */
    ngx_str_t                  resp_body;
    unsigned                   status_set:1;
    unsigned                   body_set:1;

    /* request body, read before a guest that imports req_get_body runs */
    ngx_str_t                  req_body;
    unsigned                   body_waiting:1;
    unsigned                   body_read:1;
    unsigned                   body_too_large:1;  /* answered 413 */
    unsigned                   body_failed:1;     /* could not be read */

    /*
     * body filter: the current chunk is the input chain itself, read in
     * place by resp_get_body_chunk; a replacement goes into one of our
     * output buffers (free/busy, recycled); the input buffers a replacement
     * stands for stay unconsumed ("held") until it is sent, so the modules
     * that produce them see them busy: backpressure, bounded memory
     */
    ngx_chain_t               *chunk_in;
    size_t                     chunk_len;
    ngx_chain_t               *chunk_out;     /* our link; NULL: empty */
    ngx_chain_t               *out_free;
    ngx_chain_t               *out_busy;
    ngx_chain_t               *held;          /* our links, oldest first */
    ngx_chain_t              **held_last;
    ngx_buf_t                 *flush_buf;     /* never changed once made */
    ngx_chain_t               *file_in;       /* input left to cut, ours */
    ngx_chain_t               *win_free;      /* file windows, recycled */
    ngx_chain_t               *win_busy;
    unsigned                   chunk_active:1;
    unsigned                   chunk_eof:1;
    unsigned                   chunk_replaced:1;

    /* yield: re-invoke the export later */
    ngx_event_t                resume;

    /* fuel used by this request's invocations of guests compiled with fuel */
    long long                  fuel_used;

    /* balancer: tries so far (1-based), peers, the guest's choice or -1 */
    ngx_uint_t                 balancer_try;
    ngx_uint_t                 balancer_peers;
    ngx_int_t                  balancer_peer;
};


/* ngx_http_wasm_module.c */
extern ngx_module_t  ngx_http_wasm_module;
extern const char   *ngx_http_wasm_phase_names[NGX_WASM_PHASE_COUNT];
char *ngx_http_wasm_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_wasm_handler_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_wasm_handler_t **slot);
ngx_int_t ngx_http_wasm_prepare_cache(ngx_conf_t *cf,
    ngx_http_wasm_main_conf_t *wmcf);
ngx_int_t ngx_http_wasm_int_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, int64_t n);

/* ngx_http_wasm_guest.c */
ngx_http_wasm_guest_t *ngx_http_wasm_guest_load(ngx_conf_t *cf,
    ngx_http_wasm_main_conf_t *wmcf, ngx_str_t *path, ngx_str_t *export,
    ngx_uint_t fuel);
char *ngx_http_wasm_guest_export(ngx_conf_t *cf, ngx_http_wasm_guest_t *guest,
    ngx_str_t *name, uint32_t (**func)(void *));
ngx_http_wasm_instance_t *ngx_http_wasm_instance(ngx_http_request_t *r,
    ngx_http_wasm_ctx_t *ctx, ngx_http_wasm_phase_e phase,
    ngx_http_wasm_handler_t *handler);
ngx_int_t ngx_http_wasm_invoke(ngx_http_wasm_instance_t *wi);

/* ngx_http_wasm_validate.c */
typedef struct ngx_http_wasm_info_s  ngx_http_wasm_info_t;
ngx_http_wasm_info_t *ngx_http_wasm_parse(ngx_pool_t *pool, u_char *wasm,
    size_t len, u_char *err, size_t errlen);
ngx_int_t ngx_http_wasm_check_guest(ngx_http_wasm_info_t *info,
    ngx_uint_t *reads_body, u_char *err, size_t errlen);
ngx_int_t ngx_http_wasm_check_export(ngx_http_wasm_info_t *info,
    ngx_str_t *name, u_char *err, size_t errlen);
ngx_uint_t ngx_http_wasm_has_imports(ngx_http_wasm_info_t *info);
ngx_str_t *ngx_http_wasm_import_of_area(ngx_http_wasm_info_t *info,
    ngx_uint_t area);

/* ngx_http_wasm_rt.c */
typedef enum {
    NGX_HTTP_WASM_CALL_INSTANTIATE,
    NGX_HTTP_WASM_CALL_EXPORT
} ngx_http_wasm_call_e;

extern u_char  ngx_http_wasm_trap_msg[256];
extern volatile sig_atomic_t  ngx_http_wasm_in_guest;
extern volatile sig_atomic_t  ngx_http_wasm_in_host;
extern volatile sig_atomic_t  ngx_http_wasm_time_up;

wasm_rt_trap_t ngx_http_wasm_rt_call(ngx_http_wasm_instance_t *wi,
    ngx_http_wasm_call_e what, ngx_http_wasm_limits_t *limits,
    uint32_t *result);
wasm_rt_trap_t ngx_http_wasm_rt_resume(ngx_http_wasm_instance_t *wi,
    uint32_t *result);
void ngx_http_wasm_co_free(ngx_http_wasm_instance_t *wi);
void ngx_http_wasm_free_instance(ngx_http_wasm_instance_t *wi);
void ngx_http_wasm_fuel_out(void *instance);
const char *ngx_http_wasm_trap_reason(wasm_rt_trap_t trap);
const char *ngx_http_wasm_memory_note(void);
void ngx_http_wasm_host_enter(void);
void ngx_http_wasm_host_leave(void);
WASM_RT_NO_RETURN void ngx_http_wasm_host_trap(const char *fmt, ...);

/* ngx_http_wasm_watchdog.c */
ngx_int_t ngx_http_wasm_watchdog_init(ngx_log_t *log);
void ngx_http_wasm_watchdog_exit(void);
void ngx_http_wasm_watchdog_arm(ngx_msec_t limit);
void ngx_http_wasm_watchdog_disarm(void);

/* ngx_http_wasm_phases.c */
ngx_int_t ngx_http_wasm_phases_init(ngx_conf_t *cf,
    ngx_http_wasm_main_conf_t *wmcf);
ngx_http_wasm_ctx_t *ngx_http_wasm_get_ctx(ngx_http_request_t *r);

/* the tag of the body filter's output buffers (ctx->out_free/out_busy) */
#define NGX_HTTP_WASM_BUF_TAG  ((ngx_buf_tag_t) &ngx_http_wasm_module)
/* ... and of its windows of file-backed buffers (ctx->win_free/win_busy) */
#define NGX_HTTP_WASM_WIN_TAG  ((ngx_buf_tag_t) &ngx_http_wasm_phases_init)

/* ngx_http_wasm_host.c: around the generated Z_envZ_* wrappers */
ngx_http_wasm_instance_t *ngx_http_wasm_host_begin(
    ngx_http_wasm_instance_t *wi, ngx_uint_t function);
u_char *ngx_http_wasm_guest_mem(ngx_http_wasm_instance_t *wi, int32_t ptr,
    int32_t len);
u_char *ngx_http_wasm_copy_in(ngx_http_wasm_instance_t *wi, u_char *data,
    size_t len);
int32_t ngx_http_wasm_copy_out(u_char *buf, size_t buf_len, u_char *data,
    size_t len);
uint32_t ngx_http_wasm_host_end(int32_t rc);

/* negative pointer or length arguments: NGX_WASM_ERROR, not a trap */
#define ngx_http_wasm_negative(a, b)  ((int32_t) (a) < 0 || (int32_t) (b) < 0)

/* function numbers, in the order of NGX_WASM_FUNCTIONS */
#define NGX_HTTP_WASM_FN_ENUM(name, nparams, phases, area, reads_body)      \
    NGX_HTTP_WASM_FN_##name,
enum {
    NGX_WASM_FUNCTIONS(NGX_HTTP_WASM_FN_ENUM)
    NGX_HTTP_WASM_FN_COUNT
};
#undef NGX_HTTP_WASM_FN_ENUM

ngx_table_elt_t *ngx_http_wasm_find_header(ngx_list_t *headers, u_char *name,
    size_t len, ngx_list_part_t **part, ngx_uint_t *index);

/* the semantics of each host function, checked against abi.json */
#include "ngx_http_wasm_host_functions.h"

/* ngx_http_wasm_api_response.c */
ngx_int_t ngx_http_wasm_send_response(ngx_http_request_t *r,
    ngx_http_wasm_ctx_t *ctx);

/* ngx_http_wasm_api_shm.c: the zone */
char *ngx_http_wasm_shm_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_wasm_shm_check_guests(ngx_conf_t *cf,
    ngx_http_wasm_main_conf_t *wmcf);
/* (the shm_* semantics: ngx_http_wasm_host_functions.h) */

/* ngx_http_wasm_api_metrics.c: directives, zone, exposition */
char *ngx_http_wasm_metrics_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_wasm_metric_declare(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_wasm_metrics_serve(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_wasm_metrics_init(ngx_conf_t *cf,
    ngx_http_wasm_main_conf_t *wmcf);
/* (the metric_* semantics: ngx_http_wasm_host_functions.h) */

/* ngx_http_wasm_api_balancer.c: balancer_by_wasm in upstream {} */
char *ngx_http_wasm_balancer_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* (ngx_wasm_balancer_set_peer: ngx_http_wasm_host_functions.h) */

/* ngx_http_wasm_api_subrequest.c: the capture filters, waiting */
ngx_int_t ngx_http_wasm_subreq_init(ngx_conf_t *cf);
ngx_uint_t ngx_http_wasm_subreq_pending(ngx_http_wasm_instance_t *wi);
ngx_uint_t ngx_http_wasm_subreq_launched(ngx_http_wasm_instance_t *wi);
ngx_uint_t ngx_http_wasm_subreq_own(ngx_http_request_t *r);
/* (the subreq_* semantics: ngx_http_wasm_host_functions.h) */

/* ngx_http_wasm_api_ssl.c: ssl_client_hello_by_wasm, ssl_certificate_by_wasm */
void *ngx_http_wasm_create_srv_conf(ngx_conf_t *cf);
char *ngx_http_wasm_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child);
char *ngx_http_wasm_ssl_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* (the ssl_* semantics: ngx_http_wasm_host_functions.h) */


#endif /* _NGX_HTTP_WASM_MODULE_H_INCLUDED_ */

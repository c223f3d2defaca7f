/*
 * ngx_http_wasm_module: directives, configuration create/merge and the
 * module's init hooks. Request handling is in ngx_http_wasm_phases.c,
 * guest loading in ngx_http_wasm_guest.c.
 */

#include "ngx_http_wasm_module.h"


static char *ngx_http_wasm_cache_path(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_http_wasm_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_wasm_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_wasm_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_wasm_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_wasm_fuel_used_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_wasm_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_wasm_init_process(ngx_cycle_t *cycle);
static void ngx_http_wasm_exit_process(ngx_cycle_t *cycle);


#define NGX_HTTP_WASM_PHASE_NAME(bit, name, directive, export, may_yield)     \
    name,

/* indexed by phase number: the ABI's names ("content", "log", ...) */
const char  *ngx_http_wasm_phase_names[NGX_WASM_PHASE_COUNT] = {
    NGX_WASM_PHASES(NGX_HTTP_WASM_PHASE_NAME)
};

#undef NGX_HTTP_WASM_PHASE_NAME


#define NGX_HTTP_WASM_HANDLER_CONF                                            \
    NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2

static ngx_command_t  ngx_http_wasm_commands[] = {

    { ngx_string("server_rewrite_by_wasm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_SERVER_REWRITE,
      NULL },

    { ngx_string("rewrite_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_REWRITE,
      NULL },

    { ngx_string("access_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_ACCESS,
      NULL },

    { ngx_string("content_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_CONTENT,
      NULL },

    { ngx_string("header_filter_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_HEADER_FILTER,
      NULL },

    { ngx_string("body_filter_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_BODY_FILTER,
      NULL },

    { ngx_string("log_by_wasm"),
      NGX_HTTP_WASM_HANDLER_CONF,
      ngx_http_wasm_by_wasm,
      NGX_HTTP_LOC_CONF_OFFSET,
      NGX_HTTP_WASM_LOG,
      NULL },

    { ngx_string("balancer_by_wasm"),
      NGX_HTTP_UPS_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_balancer_by_wasm,
      NGX_HTTP_MAIN_CONF_OFFSET,
      NGX_HTTP_WASM_BALANCER,
      NULL },

    { ngx_string("ssl_client_hello_by_wasm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_ssl_by_wasm,
      NGX_HTTP_SRV_CONF_OFFSET,
      NGX_HTTP_WASM_SSL_CLIENT_HELLO,
      NULL },

    { ngx_string("ssl_certificate_by_wasm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_ssl_by_wasm,
      NGX_HTTP_SRV_CONF_OFFSET,
      NGX_HTTP_WASM_SSL_CERTIFICATE,
      NULL },

    { ngx_string("wasm_request_body_buffer_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, body_buffer_size),
      NULL },

    { ngx_string("wasm_subrequest_buffer_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, subrequest_buffer_size),
      NULL },

    { ngx_string("wasm_body_filter_file_chunk_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, file_chunk_size),
      NULL },

    { ngx_string("wasm_time_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, time_limit),
      NULL },

    { ngx_string("wasm_fuel_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, fuel_limit),
      NULL },

    { ngx_string("wasm_timeslice_fuel"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, timeslice_fuel),
      NULL },

    { ngx_string("wasm_max_invocations"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wasm_loc_conf_t, max_invocations),
      NULL },

    { ngx_string("wasm_cache_path"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_wasm_cache_path,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wasm_shm_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_shm_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wasm_metrics_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_wasm_metrics_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wasm_counter"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_wasm_metric_declare,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wasm_gauge"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_wasm_metric_declare,
      NGX_HTTP_MAIN_CONF_OFFSET,
      1,
      NULL },

    { ngx_string("wasm_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_wasm_metrics_serve,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_wasm_module_ctx = {
    ngx_http_wasm_preconfiguration,        /* preconfiguration */
    ngx_http_wasm_postconfiguration,       /* postconfiguration */

    ngx_http_wasm_create_main_conf,        /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_wasm_create_srv_conf,         /* create server configuration */
    ngx_http_wasm_merge_srv_conf,          /* merge server configuration */

    ngx_http_wasm_create_loc_conf,         /* create location configuration */
    ngx_http_wasm_merge_loc_conf           /* merge location configuration */
};


ngx_module_t  ngx_http_wasm_module = {
    NGX_MODULE_V1,
    &ngx_http_wasm_module_ctx,             /* module context */
    ngx_http_wasm_commands,                /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_wasm_init_process,            /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_wasm_exit_process,            /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* the guest cache directory: wasm_cache_path, or <prefix>/wasm_cache */
ngx_int_t
ngx_http_wasm_prepare_cache(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf)
{
    u_char     *dir;
    ngx_err_t   err;

    if (wmcf->cache_ready) {
        return NGX_OK;
    }

    if (wmcf->cache_path.len == 0) {
        ngx_str_set(&wmcf->cache_path, "wasm_cache");
    }

    if (ngx_conf_full_name(cf->cycle, &wmcf->cache_path, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    /* "<path>/" so that ngx_create_full_path() creates <path> itself */
    dir = ngx_pnalloc(cf->temp_pool, wmcf->cache_path.len + 2);
    if (dir == NULL) {
        return NGX_ERROR;
    }

    *ngx_sprintf(dir, "%V/%Z", &wmcf->cache_path) = '\0';

    err = ngx_create_full_path(dir, 0755);
    if (err) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, err,
                           "wasm: cannot create the guest cache \"%V\"",
                           &wmcf->cache_path);
        return NGX_ERROR;
    }

    wmcf->cache_ready = 1;

    return NGX_OK;
}


/*
 * Any *_by_wasm PATH EXPORT; directive: the guest loaded (compiled, cached),
 * its export checked, the handler stored in *slot (NULL until then)
 */
char *
ngx_http_wasm_handler_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_wasm_handler_t **slot)
{
    char                       *rv;
    ngx_str_t                  *value;
    ngx_http_wasm_guest_t      *guest;
    ngx_http_wasm_handler_t    *handler;
    ngx_http_wasm_main_conf_t  *wmcf;

    value = cf->args->elts;

    if (*slot != NULL) {
        return "is duplicate";
    }

    if (value[1].len == 0 || value[2].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V needs a guest path and an export name",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    wmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_wasm_module);

    if (ngx_http_wasm_prepare_cache(cf, wmcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    guest = ngx_http_wasm_guest_load(cf, wmcf, &value[1], &value[2], 0);
    if (guest == NULL) {
        return NGX_CONF_ERROR;
    }

    handler = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_handler_t));
    if (handler == NULL) {
        return NGX_CONF_ERROR;
    }

    handler->guest = guest;
    handler->export = value[2];

    rv = ngx_http_wasm_guest_export(cf, guest, &value[2], &handler->func);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    *slot = handler;

    return NGX_CONF_OK;
}


/*
 * The handler's twin: the same guest and export compiled with fuel charges
 * (wasm_fuel_limit) or without, made once, when a location needs it.
 */
static ngx_http_wasm_handler_t *
ngx_http_wasm_handler_twin(ngx_conf_t *cf, ngx_http_wasm_handler_t *handler)
{
    ngx_http_wasm_guest_t      *guest;
    ngx_http_wasm_handler_t    *twin;
    ngx_http_wasm_main_conf_t  *wmcf;

    if (handler->twin) {
        return handler->twin;
    }

    wmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_wasm_module);

    guest = ngx_http_wasm_guest_load(cf, wmcf, &handler->guest->path,
                                     &handler->export, !handler->guest->fuel);
    if (guest == NULL) {
        return NULL;
    }

    twin = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_handler_t));
    if (twin == NULL) {
        return NULL;
    }

    twin->guest = guest;
    twin->export = handler->export;

    if (ngx_http_wasm_guest_export(cf, guest, &twin->export, &twin->func)
        != NGX_CONF_OK)
    {
        return NULL;
    }

    twin->twin = handler;
    handler->twin = twin;

    return twin;
}


/*
 * content_by_wasm PATH EXPORT; and the other *_by_wasm directives of
 * locations (balancer_by_wasm: through ngx_http_wasm_balancer_by_wasm)
 */
char *
ngx_http_wasm_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_loc_conf_t *wlcf = conf;

    char                       *rv;
    ngx_http_wasm_main_conf_t  *wmcf;

    rv = ngx_http_wasm_handler_conf(cf, cmd, &wlcf->handlers[cmd->offset]);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    wmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_wasm_module);
    wmcf->phases |= ngx_http_wasm_phase_bit(cmd->offset);

    return NGX_CONF_OK;
}


static char *
ngx_http_wasm_cache_path(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    ngx_str_t  *value;

    if (wmcf->cache_ready) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_cache_path must come before the first "
                           "*_by_wasm directive (and appear once)");
        return NGX_CONF_ERROR;
    }

    if (wmcf->cache_path.len) {
        return "is duplicate";
    }

    value = cf->args->elts;
    wmcf->cache_path = value[1];

    return NGX_CONF_OK;
}


static void *
ngx_http_wasm_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_wasm_main_conf_t  *wmcf;

    wmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_main_conf_t));
    if (wmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&wmcf->guests, cf->pool, 4,
                       sizeof(ngx_http_wasm_guest_t *))
        != NGX_OK)
    {
        return NULL;
    }

    return wmcf;
}


static void *
ngx_http_wasm_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_wasm_loc_conf_t  *wlcf;

    wlcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_loc_conf_t));
    if (wlcf == NULL) {
        return NULL;
    }

    wlcf->body_buffer_size = NGX_CONF_UNSET_SIZE;
    wlcf->time_limit = NGX_CONF_UNSET_MSEC;
    wlcf->max_invocations = NGX_CONF_UNSET_UINT;
    wlcf->subrequest_buffer_size = NGX_CONF_UNSET_SIZE;
    wlcf->file_chunk_size = NGX_CONF_UNSET_SIZE;
    wlcf->fuel_limit = NGX_CONF_UNSET_UINT;
    wlcf->timeslice_fuel = NGX_CONF_UNSET_UINT;

    return wlcf;
}


static char *
ngx_http_wasm_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_wasm_loc_conf_t *prev = parent;
    ngx_http_wasm_loc_conf_t *conf = child;

    ngx_uint_t  i, fuel;

    for (i = 0; i < NGX_HTTP_WASM_NPHASES; i++) {
        if (conf->handlers[i] == NULL) {
            conf->handlers[i] = prev->handlers[i];
        }
    }

    ngx_conf_merge_size_value(conf->body_buffer_size, prev->body_buffer_size,
                              64 * 1024);
    ngx_conf_merge_msec_value(conf->time_limit, prev->time_limit, 100);
    ngx_conf_merge_uint_value(conf->max_invocations, prev->max_invocations,
                              1000);
    ngx_conf_merge_size_value(conf->subrequest_buffer_size,
                              prev->subrequest_buffer_size, 64 * 1024);
    ngx_conf_merge_size_value(conf->file_chunk_size, prev->file_chunk_size,
                              16 * 1024);
    ngx_conf_merge_uint_value(conf->fuel_limit, prev->fuel_limit, 0);
    ngx_conf_merge_uint_value(conf->timeslice_fuel, prev->timeslice_fuel, 0);

    fuel = conf->fuel_limit || conf->timeslice_fuel;

    /* guests run compiled with fuel exactly where a fuel directive applies */
    for (i = 0; i < NGX_HTTP_WASM_NPHASES; i++) {
        if (conf->handlers[i] && conf->handlers[i]->guest->fuel != fuel) {
            conf->handlers[i] = ngx_http_wasm_handler_twin(cf,
                                                           conf->handlers[i]);
            if (conf->handlers[i] == NULL) {
                return NGX_CONF_ERROR;
            }
        }
    }

    return NGX_CONF_OK;
}


/* $wasm_fuel_used: fuel the request's invocations used (wasm_fuel_limit) */
static ngx_int_t
ngx_http_wasm_preconfiguration(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;

    static ngx_str_t  name = ngx_string("wasm_fuel_used");

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_wasm_fuel_used_variable;

    return NGX_OK;
}


static ngx_int_t
ngx_http_wasm_fuel_used_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_wasm_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_wasm_module);

    return ngx_http_wasm_int_variable(r, v, ctx ? ctx->fuel_used : 0);
}


/* a variable's value: the decimal number n */
ngx_int_t
ngx_http_wasm_int_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    int64_t n)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(p, "%L", n) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_wasm_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_wasm_main_conf_t  *wmcf;

    wmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_wasm_module);

    if (ngx_http_wasm_shm_check_guests(cf, wmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_wasm_metrics_init(cf, wmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_wasm_phases_init(cf, wmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* after the phases' filters: the subrequest capture comes first */
    return ngx_http_wasm_subreq_init(cf);
}


static ngx_int_t
ngx_http_wasm_init_process(ngx_cycle_t *cycle)
{
    ngx_http_wasm_main_conf_t  *wmcf;

    wmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_wasm_module);

    if (wmcf == NULL || wmcf->guests.nelts == 0) {
        return NGX_OK;
    }

    return ngx_http_wasm_watchdog_init(cycle->log);
}


/* before nginx destroys the cycle and unloads this module */
static void
ngx_http_wasm_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_wasm_watchdog_exit();
}

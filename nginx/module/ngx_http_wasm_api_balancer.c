/*
 * balancer_by_wasm PATH EXPORT; in upstream {}: the guest chooses the peer
 * of every try (ngx_wasm_balancer_set_peer), retries of proxy_next_upstream
 * included. Built on round robin, as balancer_by_lua is: the upstream's
 * peers are round robin's; our per-request data embeds round robin's, whose
 * free() accounts for failures; our get() runs the guest and sets the
 * chosen peer, or lets round robin choose when the guest chose none.
 *
 * $wasm_balancer_try (1-based) and $wasm_balancer_peers tell the guest
 * which try this is and how many peers there are.
 */

#include "ngx_http_wasm_module.h"


/* one upstream {} with balancer_by_wasm */
typedef struct {
    ngx_http_upstream_srv_conf_t     *upstream;
    ngx_http_wasm_handler_t          *handler;
    ngx_http_upstream_init_pt         original_init_upstream;
    ngx_http_upstream_init_peer_pt    original_init_peer;
} ngx_http_wasm_balancer_t;


/* per request: round robin's data first, so its free() can take ours */
typedef struct {
    ngx_http_upstream_rr_peer_data_t  rrp;
    ngx_http_upstream_rr_peers_t     *peers;     /* the primary peers */
    ngx_http_request_t               *request;
    ngx_http_wasm_balancer_t         *balancer;
    ngx_event_get_peer_pt             original_get;
} ngx_http_wasm_balancer_peer_t;


static ngx_int_t ngx_http_wasm_balancer_init_upstream(ngx_conf_t *cf,
    ngx_http_upstream_srv_conf_t *us);
static ngx_int_t ngx_http_wasm_balancer_init_peer(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us);
static ngx_int_t ngx_http_wasm_balancer_get(ngx_peer_connection_t *pc,
    void *data);
static ngx_int_t ngx_http_wasm_balancer_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_wasm_balancer_vars[] = {

    { ngx_string("wasm_balancer_try"), NULL,
      ngx_http_wasm_balancer_variable,
      offsetof(ngx_http_wasm_ctx_t, balancer_try),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("wasm_balancer_peers"), NULL,
      ngx_http_wasm_balancer_variable,
      offsetof(ngx_http_wasm_ctx_t, balancer_peers),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_http_wasm_balancer_t *
ngx_http_wasm_balancer_find(ngx_http_wasm_main_conf_t *wmcf,
    ngx_http_upstream_srv_conf_t *us)
{
    ngx_uint_t                 i;
    ngx_http_wasm_balancer_t  *b;

    if (wmcf->balancers == NULL) {
        return NULL;
    }

    b = wmcf->balancers->elts;

    for (i = 0; i < wmcf->balancers->nelts; i++) {
        if (b[i].upstream == us) {
            return &b[i];
        }
    }

    return NULL;
}


char *
ngx_http_wasm_balancer_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    char                          *rv;
    ngx_http_variable_t           *var, *v;
    ngx_http_wasm_balancer_t      *b;
    ngx_http_wasm_loc_conf_t       wlcf;
    ngx_http_upstream_srv_conf_t  *uscf;

    uscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_upstream_module);

    if (ngx_http_wasm_balancer_find(wmcf, uscf) != NULL) {
        return "is duplicate";
    }

    /*
     * keepalive wraps the balancing method it finds, so it must come after
     * us; another method (hash, least_conn, random...) would replace ours
     */
    if (uscf->peer.init_upstream != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "balancer_by_wasm must come before \"keepalive\" "
                           "in upstream \"%V\", and cannot be combined with "
                           "another balancing method", &uscf->host);
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&wlcf, sizeof(ngx_http_wasm_loc_conf_t));

    rv = ngx_http_wasm_by_wasm(cf, cmd, &wlcf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (wmcf->balancers == NULL) {
        wmcf->balancers = ngx_array_create(cf->pool, 2,
                                           sizeof(ngx_http_wasm_balancer_t));
        if (wmcf->balancers == NULL) {
            return NGX_CONF_ERROR;
        }

        for (v = ngx_http_wasm_balancer_vars; v->name.len; v++) {
            var = ngx_http_add_variable(cf, &v->name, v->flags);
            if (var == NULL) {
                return NGX_CONF_ERROR;
            }

            var->get_handler = v->get_handler;
            var->data = v->data;
        }
    }

    b = ngx_array_push(wmcf->balancers);
    if (b == NULL) {
        return NGX_CONF_ERROR;
    }

    b->upstream = uscf;
    b->handler = wlcf.handlers[NGX_HTTP_WASM_BALANCER];
    b->original_init_upstream = ngx_http_upstream_init_round_robin;
    b->original_init_peer = NULL;

    uscf->peer.init_upstream = ngx_http_wasm_balancer_init_upstream;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_wasm_balancer_init_upstream(ngx_conf_t *cf,
    ngx_http_upstream_srv_conf_t *us)
{
    ngx_http_wasm_balancer_t   *b;
    ngx_http_wasm_main_conf_t  *wmcf;

    wmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_wasm_module);

    b = ngx_http_wasm_balancer_find(wmcf, us);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (b->original_init_upstream(cf, us) != NGX_OK) {
        return NGX_ERROR;
    }

    b->original_init_peer = us->peer.init;
    us->peer.init = ngx_http_wasm_balancer_init_peer;

    return NGX_OK;
}


static ngx_int_t
ngx_http_wasm_balancer_init_peer(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us)
{
    ngx_http_wasm_ctx_t            *ctx;
    ngx_http_wasm_balancer_t       *b;
    ngx_http_wasm_main_conf_t      *wmcf;
    ngx_http_wasm_balancer_peer_t  *bp;

    wmcf = ngx_http_get_module_main_conf(r, ngx_http_wasm_module);

    b = ngx_http_wasm_balancer_find(wmcf, us);
    if (b == NULL) {
        return NGX_ERROR;
    }

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    bp = ngx_pcalloc(r->pool, sizeof(ngx_http_wasm_balancer_peer_t));
    if (bp == NULL) {
        return NGX_ERROR;
    }

    /* round robin fills in the data it finds there */
    r->upstream->peer.data = &bp->rrp;

    if (b->original_init_peer(r, us) != NGX_OK) {
        return NGX_ERROR;
    }

    bp->peers = bp->rrp.peers;
    bp->request = r;
    bp->balancer = b;
    bp->original_get = r->upstream->peer.get;

    r->upstream->peer.get = ngx_http_wasm_balancer_get;

    ctx->balancer_try = 0;
    ctx->balancer_peers = bp->peers->number;
    ctx->balancer_peer = -1;

    return NGX_OK;
}


/* peer `index` of the primary peers, as round robin's get() would set it */
static ngx_int_t
ngx_http_wasm_balancer_set(ngx_peer_connection_t *pc,
    ngx_http_wasm_balancer_peer_t *bp, ngx_uint_t index)
{
    time_t                         now;
    uintptr_t                      m;
    ngx_uint_t                     n;
    ngx_http_upstream_rr_peer_t   *peer;
    ngx_http_upstream_rr_peers_t  *peers;

    peers = bp->peers;
    now = ngx_time();

    ngx_http_upstream_rr_peers_wlock(peers);

    peer = peers->peer;

    for (n = 0; n < index && peer != NULL; n++) {
        peer = peer->next;
    }

    if (peer == NULL) {
        ngx_http_upstream_rr_peers_unlock(peers);
        return NGX_ERROR;
    }

    /* the guest's choice is final: down, max_fails and max_conns aside */

    if (now - peer->checked > peer->fail_timeout) {
        peer->checked = now;
    }

    peer->conns++;

    bp->rrp.peers = peers;
    bp->rrp.current = peer;

    n = index / (8 * sizeof(uintptr_t));
    m = (uintptr_t) 1 << index % (8 * sizeof(uintptr_t));
    bp->rrp.tried[n] |= m;

    pc->sockaddr = peer->sockaddr;
    pc->socklen = peer->socklen;
    pc->name = &peer->name;

    ngx_http_upstream_rr_peers_unlock(peers);

    return NGX_OK;
}


/*
 * Every try: invoke the guest (one instance per request: the export runs
 * once per try, memory and globals kept), then connect to the peer it chose,
 * or to round robin's choice when it chose none. A guest failure (one log
 * line) ends the request with 502, without further tries.
 */
static ngx_int_t
ngx_http_wasm_balancer_get(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_wasm_balancer_peer_t *bp = data;

    ngx_http_request_t        *r;
    ngx_http_wasm_ctx_t       *ctx;
    ngx_http_wasm_instance_t  *wi;

    r = bp->request;

    pc->cached = 0;
    pc->connection = NULL;

    ctx = ngx_http_wasm_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ctx->balancer_try++;
    ctx->balancer_peers = bp->peers->number;
    ctx->balancer_peer = -1;

    wi = ngx_http_wasm_instance(r, ctx, NGX_HTTP_WASM_BALANCER,
                                bp->balancer->handler);
    if (wi == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_wasm_invoke(wi) != NGX_OK) {
        /* ngx_http_upstream_next() then finalizes with 502, no retry */
        pc->tries = 0;
        return NGX_DECLINED;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                   "wasm: balancer try %ui chose peer %i",
                   ctx->balancer_try, ctx->balancer_peer);

    if (ctx->balancer_peer < 0) {
        return bp->original_get(pc, &bp->rrp);
    }

    return ngx_http_wasm_balancer_set(pc, bp, ctx->balancer_peer);
}


int32_t
ngx_http_wasm_balancer_set_peer(ngx_http_wasm_instance_t *wi,
    int32_t peer_index)
{
    ngx_http_wasm_ctx_t  *ctx = wi->ctx;

    if (peer_index < 0 || (ngx_uint_t) peer_index >= ctx->balancer_peers) {
        return NGX_WASM_ERROR;
    }

    ctx->balancer_peer = peer_index;

    return NGX_WASM_OK;
}


/* $wasm_balancer_try, $wasm_balancer_peers: once the balancer ran */
static ngx_int_t
ngx_http_wasm_balancer_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_wasm_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_wasm_module);

    if (ctx == NULL || ctx->balancer_try == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_wasm_int_variable(r, v,
                                      *(ngx_uint_t *) ((char *) ctx + data));
}

/*
 * The shared dict: `wasm_shm_zone NAME SIZE;` and ngx_wasm_shm_get, _exists,
 * _set, _set_ex, _add, _replace, _incr, _delete, with host/shared-dict.ts's
 * semantics.
 *
 * One nginx shared memory zone, a slab pool. Entries are nodes of a red-black
 * tree keyed by the crc32 of the key (then the key bytes), and links of an
 * LRU queue, most recently used first. Every operation holds the slab pool's
 * mutex (ngx_shmtx), so workers see one consistent dict: incr is exact.
 *
 * Expiry (set_ex) is lazy: an expired entry is removed when an operation
 * meets it, and each write removes up to two expired entries from the LRU
 * end. The clock is CLOCK_MONOTONIC in milliseconds: one system-wide clock
 * all workers agree on (ngx_current_msec is per worker), which no
 * wall-clock step moves and which survives a reload, so TTLs of a zone kept
 * across `nginx -s reload` stay right.
 *
 * A write that finds no room evicts the least recently used entries (expired
 * or not) until the allocation succeeds. Whether an entry can fit at all is
 * known beforehand: the slab allocator coalesces free pages, so an empty
 * zone has all its pages in one run, and an entry larger than that run is
 * refused (-2) before anything is evicted or replaced.
 *
 * Reload: nginx hands init_zone the previous cycle's data when the zone's
 * name and size are unchanged, and its memory is reused as it is; another
 * size (or name) is a new, empty zone.
 */

#include "ngx_http_wasm_module.h"


/* an entry: the rbtree node first, then the LRU link, the key, the value */
typedef struct {
    ngx_rbtree_node_t          node;       /* node.key: crc32 of the key */
    ngx_queue_t                queue;
    uint64_t                   expires;    /* CLOCK_MONOTONIC ms; 0: never */
    uint32_t                   value_len;
    u_short                    key_len;
    u_char                     data[1];    /* key, then value */
} ngx_http_wasm_shm_node_t;


/* the zone's own header, in shared memory */
typedef struct {
    ngx_rbtree_t               rbtree;
    ngx_rbtree_node_t          sentinel;
    ngx_queue_t                lru;        /* most recently used first */
    ngx_uint_t                 max_pages;  /* free pages of the empty zone */
} ngx_http_wasm_shm_sh_t;


/* per configuration: shm_zone->data */
typedef struct {
    ngx_http_wasm_shm_sh_t    *sh;
    ngx_slab_pool_t           *shpool;
} ngx_http_wasm_shm_ctx_t;


typedef enum {
    NGX_HTTP_WASM_SHM_SET = 0,
    NGX_HTTP_WASM_SHM_ADD,
    NGX_HTTP_WASM_SHM_REPLACE
} ngx_http_wasm_shm_mode_e;


/* expired entries a write removes from the LRU end, besides those it meets */
#define NGX_HTTP_WASM_SHM_EXPIRE_ON_WRITE  2

/* the smallest zone: the slab pool's header and page table, our header, room */
#define NGX_HTTP_WASM_SHM_MIN_PAGES        8

#define ngx_http_wasm_shm_node_size(key_len, value_len)                        \
    (offsetof(ngx_http_wasm_shm_node_t, data) + (key_len) + (value_len))


static ngx_int_t ngx_http_wasm_shm_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);


/* wasm_shm_zone NAME SIZE; (http) */
char *
ngx_http_wasm_shm_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    ssize_t                   size, min;
    ngx_str_t                *value;
    ngx_shm_zone_t           *shm_zone;
    ngx_http_wasm_shm_ctx_t  *ctx;

    if (wmcf->shm_zone != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_shm_zone is duplicate: the ABI has one shared "
                           "dict, so there is one zone per http block");
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_shm_zone needs a zone name");
        return NGX_CONF_ERROR;
    }

    size = ngx_parse_size(&value[2]);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_shm_zone \"%V\": invalid size \"%V\"",
                           &value[1], &value[2]);
        return NGX_CONF_ERROR;
    }

    min = NGX_HTTP_WASM_SHM_MIN_PAGES * ngx_pagesize;

    if (size < min) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_shm_zone \"%V\" is too small: %V, the "
                           "minimum is %uzk (%uz bytes: %d pages of the slab "
                           "allocator)", &value[1], &value[2],
                           (size_t) min / 1024, (size_t) min,
                           NGX_HTTP_WASM_SHM_MIN_PAGES);
        return NGX_CONF_ERROR;
    }

    shm_zone = ngx_shared_memory_add(cf, &value[1], size,
                                     &ngx_http_wasm_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm_shm_zone \"%V\" is already declared",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_shm_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    shm_zone->init = ngx_http_wasm_shm_init_zone;
    shm_zone->data = ctx;

    wmcf->shm_zone = shm_zone;

    return NGX_CONF_OK;
}


static void
ngx_http_wasm_shm_rbtree_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t         **p;
    ngx_http_wasm_shm_node_t   *n, *t;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            n = (ngx_http_wasm_shm_node_t *) node;
            t = (ngx_http_wasm_shm_node_t *) temp;

            p = (ngx_memn2cmp(n->data, t->data, n->key_len, t->key_len) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_int_t
ngx_http_wasm_shm_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_wasm_shm_ctx_t  *octx = data;

    size_t                    len;
    ngx_http_wasm_shm_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx) {
        /* a reload with the same name and size: the same memory, kept */
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;

        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;

        return NGX_OK;
    }

    ctx->sh = ngx_slab_alloc(ctx->shpool, sizeof(ngx_http_wasm_shm_sh_t));
    if (ctx->sh == NULL) {
        return NGX_ERROR;
    }

    ctx->shpool->data = ctx->sh;

    ngx_rbtree_init(&ctx->sh->rbtree, &ctx->sh->sentinel,
                    ngx_http_wasm_shm_rbtree_insert);

    ngx_queue_init(&ctx->sh->lru);

    len = sizeof(" in wasm_shm_zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in wasm_shm_zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone is normal: writes evict, nothing to log */
    ctx->shpool->log_nomem = 0;

    /* the pages still free now stay one run whenever the zone is empty */
    ctx->sh->max_pages = ctx->shpool->pfree;

    return NGX_OK;
}


/*
 * At the end of the http block: a guest that imports a shm_* function
 * needs the zone, wherever the directives stand.
 */
ngx_int_t
ngx_http_wasm_shm_check_guests(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf)
{
    ngx_str_t               *name;
    ngx_uint_t               i;
    ngx_http_wasm_guest_t  **gp;

    if (wmcf->shm_zone != NULL) {
        return NGX_OK;
    }

    gp = wmcf->guests.elts;

    for (i = 0; i < wmcf->guests.nelts; i++) {
        if (gp[i]->info == NULL) {
            continue;
        }

        name = ngx_http_wasm_import_of_area(gp[i]->info,
                                            NGX_WASM_AREA_SHARED_DICT);
        if (name == NULL) {
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wasm: guest \"%V\" imports env.%V (the shared "
                           "dict), but no zone is configured: add "
                           "\"wasm_shm_zone NAME SIZE;\" (e.g. "
                           "\"wasm_shm_zone guests 1m;\") to the http block",
                           &gp[i]->path, name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* ----------------------------------------------------------------- the dict */


static uint64_t
ngx_http_wasm_shm_now(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* the zone, or NULL (the call fails with -2) for a key of a bad length */
static ngx_http_wasm_shm_ctx_t *
ngx_http_wasm_shm_ctx(ngx_http_wasm_instance_t *wi, size_t key_len)
{
    ngx_http_wasm_main_conf_t  *wmcf;

    if (key_len == 0 || key_len > NGX_WASM_SHM_KEY_MAX) {
        return NULL;
    }

    wmcf = ngx_http_get_module_main_conf(wi->request, ngx_http_wasm_module);

    /* nginx -t refuses a guest importing shm_* without a zone */
    if (wmcf->shm_zone == NULL) {
        return NULL;
    }

    return wmcf->shm_zone->data;
}


static ngx_uint_t
ngx_http_wasm_shm_expired(ngx_http_wasm_shm_node_t *n, uint64_t now)
{
    return n->expires != 0 && n->expires <= now;
}


static void
ngx_http_wasm_shm_free_node(ngx_http_wasm_shm_ctx_t *ctx,
    ngx_http_wasm_shm_node_t *n)
{
    ngx_queue_remove(&n->queue);
    ngx_rbtree_delete(&ctx->sh->rbtree, &n->node);
    ngx_slab_free_locked(ctx->shpool, n);
}


/* the entry of a key, expired ones included; the mutex is held */
static ngx_http_wasm_shm_node_t *
ngx_http_wasm_shm_find(ngx_http_wasm_shm_ctx_t *ctx, u_char *key,
    size_t key_len, uint32_t hash)
{
    ngx_int_t                  rc;
    ngx_rbtree_node_t         *node, *sentinel;
    ngx_http_wasm_shm_node_t  *n;

    node = ctx->sh->rbtree.root;
    sentinel = ctx->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        n = (ngx_http_wasm_shm_node_t *) node;

        rc = ngx_memn2cmp(key, n->data, key_len, n->key_len);

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/* the live entry of a key; an expired one is removed on the way */
static ngx_http_wasm_shm_node_t *
ngx_http_wasm_shm_live(ngx_http_wasm_shm_ctx_t *ctx, u_char *key,
    size_t key_len, uint32_t hash, uint64_t now)
{
    ngx_http_wasm_shm_node_t  *n;

    n = ngx_http_wasm_shm_find(ctx, key, key_len, hash);

    if (n != NULL && ngx_http_wasm_shm_expired(n, now)) {
        ngx_http_wasm_shm_free_node(ctx, n);
        return NULL;
    }

    return n;
}


static void
ngx_http_wasm_shm_touch(ngx_http_wasm_shm_ctx_t *ctx,
    ngx_http_wasm_shm_node_t *n)
{
    ngx_queue_remove(&n->queue);
    ngx_queue_insert_head(&ctx->sh->lru, &n->queue);
}


/* on writes: remove expired entries from the LRU end, a few at most */
static void
ngx_http_wasm_shm_expire(ngx_http_wasm_shm_ctx_t *ctx, uint64_t now)
{
    ngx_uint_t                 i;
    ngx_queue_t               *q, *prev;
    ngx_http_wasm_shm_node_t  *n;

    q = ngx_queue_last(&ctx->sh->lru);

    for (i = 0; i < NGX_HTTP_WASM_SHM_EXPIRE_ON_WRITE; i++) {

        if (q == ngx_queue_sentinel(&ctx->sh->lru)) {
            return;
        }

        prev = ngx_queue_prev(q);
        n = ngx_queue_data(q, ngx_http_wasm_shm_node_t, queue);

        if (ngx_http_wasm_shm_expired(n, now)) {
            ngx_http_wasm_shm_free_node(ctx, n);
        }

        q = prev;
    }
}


/* whether an allocation of `size` bytes fits in the empty zone */
static ngx_uint_t
ngx_http_wasm_shm_fits(ngx_http_wasm_shm_ctx_t *ctx, size_t size)
{
    size_t  pages;

    if (size <= ngx_pagesize / 2) {
        /* a chunk of a page that the empty zone has free */
        return ctx->sh->max_pages > 0;
    }

    pages = (size + ngx_pagesize - 1) / ngx_pagesize;

    return pages <= ctx->sh->max_pages;
}


/*
 * Allocate, evicting least recently used entries (never `keep`) until it
 * succeeds; NULL when nothing is left to evict
 */
static ngx_http_wasm_shm_node_t *
ngx_http_wasm_shm_alloc(ngx_http_wasm_shm_ctx_t *ctx, size_t size,
    ngx_http_wasm_shm_node_t *keep)
{
    ngx_queue_t               *q;
    ngx_http_wasm_shm_node_t  *n;

    for ( ;; ) {
        n = ngx_slab_alloc_locked(ctx->shpool, size);
        if (n != NULL) {
            return n;
        }

        q = ngx_queue_last(&ctx->sh->lru);

        if (q != ngx_queue_sentinel(&ctx->sh->lru)
            && ngx_queue_data(q, ngx_http_wasm_shm_node_t, queue) == keep)
        {
            q = ngx_queue_prev(q);
        }

        if (q == ngx_queue_sentinel(&ctx->sh->lru)) {
            return NULL;
        }

        ngx_http_wasm_shm_free_node(ctx, ngx_queue_data(q,
                                        ngx_http_wasm_shm_node_t, queue));
    }
}


/* a new entry, most recently used; the mutex is held */
static ngx_int_t
ngx_http_wasm_shm_insert(ngx_http_wasm_shm_ctx_t *ctx, u_char *key,
    size_t key_len, uint32_t hash, u_char *value, size_t value_len,
    uint64_t expires, ngx_http_wasm_shm_node_t *keep)
{
    ngx_http_wasm_shm_node_t  *n;

    n = ngx_http_wasm_shm_alloc(ctx,
                                ngx_http_wasm_shm_node_size(key_len, value_len),
                                keep);
    if (n == NULL) {
        return NGX_ERROR;
    }

    n->node.key = hash;
    n->expires = expires;
    n->key_len = (u_short) key_len;
    n->value_len = (uint32_t) value_len;
    ngx_memcpy(n->data, key, key_len);
    ngx_memcpy(n->data + key_len, value, value_len);

    ngx_rbtree_insert(&ctx->sh->rbtree, &n->node);
    ngx_queue_insert_head(&ctx->sh->lru, &n->queue);

    return NGX_OK;
}


static int32_t
ngx_http_wasm_shm_store(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len, int32_t ttl_msec,
    ngx_http_wasm_shm_mode_e mode)
{
    int32_t                    rc;
    uint32_t                   hash;
    uint64_t                   now;
    ngx_http_wasm_shm_ctx_t   *ctx;
    ngx_http_wasm_shm_node_t  *n;

    if (value_len > NGX_WASM_SHM_VALUE_MAX || ttl_msec < 0) {
        return NGX_WASM_ERROR;
    }

    ctx = ngx_http_wasm_shm_ctx(wi, key_len);
    if (ctx == NULL) {
        return NGX_WASM_ERROR;
    }

    hash = ngx_crc32_short(key, key_len);
    now = ngx_http_wasm_shm_now();

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_wasm_shm_live(ctx, key, key_len, hash, now);

    if ((mode == NGX_HTTP_WASM_SHM_ADD && n != NULL)
        || (mode == NGX_HTTP_WASM_SHM_REPLACE && n == NULL))
    {
        rc = NGX_WASM_NOT_FOUND;
        goto done;
    }

    /* an entry that cannot fit even in the empty zone changes nothing */
    if (!ngx_http_wasm_shm_fits(ctx,
                                ngx_http_wasm_shm_node_size(key_len,
                                                            value_len)))
    {
        rc = NGX_WASM_ERROR;
        goto done;
    }

    if (n != NULL) {
        ngx_http_wasm_shm_free_node(ctx, n);
    }

    ngx_http_wasm_shm_expire(ctx, now);

    rc = ngx_http_wasm_shm_insert(ctx, key, key_len, hash, value, value_len,
                                  ttl_msec > 0 ? now + (uint64_t) ttl_msec : 0,
                                  NULL)
         == NGX_OK ? NGX_WASM_OK : NGX_WASM_ERROR;

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return rc;
}


/*
 * The stored value as a signed 32-bit integer, with host/shared-dict.ts's
 * rule: an optional '-', then one or more ASCII digits (leading zeros
 * allowed), nothing else; no '+', no spaces
 */
static ngx_int_t
ngx_http_wasm_shm_parse_i32(u_char *p, size_t len, int64_t *value)
{
    size_t      i;
    int64_t     n;
    ngx_uint_t  negative;

    negative = (len > 0 && p[0] == '-');
    i = negative;

    if (i == len) {
        return NGX_ERROR;
    }

    n = 0;

    for ( /* void */ ; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return NGX_ERROR;
        }

        n = n * 10 + (p[i] - '0');

        if (n > (int64_t) NGX_MAX_INT32_VALUE + 1) {
            return NGX_ERROR;
        }
    }

    if (negative) {
        n = -n;
    }

    if (n > NGX_MAX_INT32_VALUE) {
        return NGX_ERROR;
    }

    *value = n;

    return NGX_OK;
}


/* ------------------------------------------------- the ABI's semantics */


int32_t
ngx_http_wasm_shm_get(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *buf, size_t buf_len)
{
    int32_t                    rc;
    uint32_t                   hash;
    ngx_http_wasm_shm_ctx_t   *ctx;
    ngx_http_wasm_shm_node_t  *n;

    ctx = ngx_http_wasm_shm_ctx(wi, key_len);
    if (ctx == NULL) {
        return NGX_WASM_ERROR;
    }

    hash = ngx_crc32_short(key, key_len);

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_wasm_shm_live(ctx, key, key_len, hash,
                               ngx_http_wasm_shm_now());

    if (n == NULL) {
        rc = NGX_WASM_NOT_FOUND;

    } else {
        ngx_http_wasm_shm_touch(ctx, n);
        ngx_memcpy(buf, n->data + n->key_len,
                   ngx_min((size_t) n->value_len, buf_len));
        rc = (int32_t) n->value_len;
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return rc;
}


int32_t
ngx_http_wasm_shm_exists(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len)
{
    uint32_t                   hash;
    ngx_http_wasm_shm_ctx_t   *ctx;
    ngx_http_wasm_shm_node_t  *n;

    ctx = ngx_http_wasm_shm_ctx(wi, key_len);
    if (ctx == NULL) {
        return NGX_WASM_ERROR;
    }

    hash = ngx_crc32_short(key, key_len);

    ngx_shmtx_lock(&ctx->shpool->mutex);

    /* a look, not a use: the LRU order stays */
    n = ngx_http_wasm_shm_live(ctx, key, key_len, hash,
                               ngx_http_wasm_shm_now());

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return n != NULL ? 1 : 0;
}


int32_t
ngx_http_wasm_shm_set(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len)
{
    return ngx_http_wasm_shm_store(wi, key, key_len, value, value_len, 0,
                                   NGX_HTTP_WASM_SHM_SET);
}


int32_t
ngx_http_wasm_shm_set_ex(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len, int32_t ttl_msec)
{
    return ngx_http_wasm_shm_store(wi, key, key_len, value, value_len,
                                   ttl_msec, NGX_HTTP_WASM_SHM_SET);
}


int32_t
ngx_http_wasm_shm_add(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len)
{
    return ngx_http_wasm_shm_store(wi, key, key_len, value, value_len, 0,
                                   NGX_HTTP_WASM_SHM_ADD);
}


int32_t
ngx_http_wasm_shm_replace(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, u_char *value, size_t value_len)
{
    return ngx_http_wasm_shm_store(wi, key, key_len, value, value_len, 0,
                                   NGX_HTTP_WASM_SHM_REPLACE);
}


int32_t
ngx_http_wasm_shm_incr(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len, int32_t delta)
{
    u_char                     text[NGX_INT32_LEN + 1];
    size_t                     len;
    int32_t                    rc;
    int64_t                    current, next;
    uint32_t                   hash;
    uint64_t                   now;
    ngx_http_wasm_shm_ctx_t   *ctx;
    ngx_http_wasm_shm_node_t  *n;

    ctx = ngx_http_wasm_shm_ctx(wi, key_len);
    if (ctx == NULL) {
        return NGX_WASM_ERROR;
    }

    hash = ngx_crc32_short(key, key_len);
    now = ngx_http_wasm_shm_now();

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_wasm_shm_live(ctx, key, key_len, hash, now);

    if (n == NULL
        || ngx_http_wasm_shm_parse_i32(n->data + n->key_len, n->value_len,
                                       &current)
           != NGX_OK)
    {
        rc = NGX_WASM_ERROR;
        goto done;
    }

    next = current + delta;

    if (next < -(int64_t) NGX_MAX_INT32_VALUE - 1
        || next > NGX_MAX_INT32_VALUE)
    {
        rc = NGX_WASM_ERROR;
        goto done;
    }

    len = ngx_sprintf(text, "%L", next) - text;
    rc = (int32_t) next;

    /* the new value keeps the TTL and becomes the most recently used */
    ngx_http_wasm_shm_touch(ctx, n);

    if (len <= n->value_len) {
        /* in place: the slab chunk stays as large as it was */
        ngx_memcpy(n->data + n->key_len, text, len);
        n->value_len = (uint32_t) len;
        goto done;
    }

    /* a longer number: a larger entry, evicting others but not this one */
    ngx_http_wasm_shm_expire(ctx, now);

    if (ngx_http_wasm_shm_insert(ctx, key, key_len, hash, text, len,
                                 n->expires, n)
        != NGX_OK)
    {
        rc = NGX_WASM_ERROR;
        goto done;
    }

    ngx_http_wasm_shm_free_node(ctx, n);

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return rc;
}


int32_t
ngx_http_wasm_shm_delete(ngx_http_wasm_instance_t *wi, u_char *key,
    size_t key_len)
{
    uint32_t                   hash;
    ngx_http_wasm_shm_ctx_t   *ctx;
    ngx_http_wasm_shm_node_t  *n;

    ctx = ngx_http_wasm_shm_ctx(wi, key_len);
    if (ctx == NULL) {
        return NGX_WASM_ERROR;
    }

    hash = ngx_crc32_short(key, key_len);

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_wasm_shm_find(ctx, key, key_len, hash);

    if (n != NULL) {
        ngx_http_wasm_shm_free_node(ctx, n);
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return NGX_WASM_OK;
}

/*
 * TLS hooks without patching nginx: ssl_client_hello_by_wasm and
 * ssl_certificate_by_wasm (http, server) run a guest from OpenSSL's
 * client-hello and certificate callbacks, installed on each server's SSL_CTX
 * (ngx_http_ssl_module's ngx_http_ssl_srv_conf_t ssl.ctx) when the servers
 * are merged. There is no request yet: every callback runs a fresh instance
 * in a pool of its own, with a request-less context (a zeroed request that
 * only carries the connection, its log, this pool and the server's
 * configuration, which is all the functions allowed in these phases use:
 * log, time, ssl_*), destroyed before the callback returns. No yield here.
 *
 * The ssl_* semantics: ngx_wasm_ssl_get_server_name (from the ClientHello's
 * server_name extension in ssl_client_hello, SSL_get_servername in
 * ssl_certificate), ngx_wasm_ssl_reject_handshake (the alert is sent from
 * the client-hello callback; OpenSSL's certificate callback can only fail
 * with internal_error, 80, whatever the guest named) and
 * ngx_wasm_ssl_set_certificate (PEM chain and key, parsed once per distinct
 * pair: a per-worker cache keyed by the SHA-256 of the pair, at most
 * NGX_HTTP_WASM_SSL_PEM_CACHE entries, least recently used evicted).
 */

#include "ngx_http_wasm_module.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>


#define NGX_HTTP_WASM_SSL_PEM_CACHE  64


/* per server: its handlers and its configuration, for the callbacks */
typedef struct {
    ngx_http_wasm_handler_t   *hello;
    ngx_http_wasm_handler_t   *certificate;
    void                     **main_conf;
    void                     **srv_conf;
    void                     **loc_conf;
} ngx_http_wasm_srv_conf_t;


/* one callback's guest run: the instance is wi, found from it */
typedef struct {
    ngx_http_wasm_instance_t   wi;
    ngx_http_request_t         request;     /* request-less context */
    ngx_http_wasm_ctx_t        ctx;
    SSL                       *ssl;
    int                        alert;
    unsigned                   rejected:1;
} ngx_http_wasm_ssl_run_t;


/* one parsed certificate chain and key */
typedef struct {
    ngx_queue_t                queue;
    u_char                     digest[32];
    X509                      *cert;
    STACK_OF(X509)            *chain;
    EVP_PKEY                  *key;
} ngx_http_wasm_ssl_pem_t;


static int ngx_http_wasm_ssl_client_hello(SSL *ssl, int *al, void *arg);
static int ngx_http_wasm_ssl_certificate(SSL *ssl, void *arg);


/* most recently used first; per worker */
static ngx_queue_t  ngx_http_wasm_ssl_pems;
static ngx_uint_t   ngx_http_wasm_ssl_npems;


void *
ngx_http_wasm_create_srv_conf(ngx_conf_t *cf)
{
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_srv_conf_t));
}


/* ssl_client_hello_by_wasm PATH EXPORT; ssl_certificate_by_wasm PATH EXPORT; */
char *
ngx_http_wasm_ssl_by_wasm(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_srv_conf_t *wscf = conf;

    ngx_http_wasm_handler_t  **slot;

    slot = cmd->offset == NGX_HTTP_WASM_SSL_CLIENT_HELLO ? &wscf->hello
                                                         : &wscf->certificate;

    return ngx_http_wasm_handler_conf(cf, cmd, slot);
}


/*
 * Runs after ngx_http_ssl_module's merge (modules merge in module order, a
 * dynamic module after the static ones), so the server's SSL_CTX exists when
 * it has a certificate: install the callbacks on it.
 */
char *
ngx_http_wasm_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_wasm_srv_conf_t *prev = parent;
    ngx_http_wasm_srv_conf_t *conf = child;

    ngx_http_ssl_srv_conf_t   *sscf;
    ngx_http_core_srv_conf_t  *cscf;

    if (conf->hello == NULL) {
        conf->hello = prev->hello;
    }

    if (conf->certificate == NULL) {
        conf->certificate = prev->certificate;
    }

    if (conf->hello == NULL && conf->certificate == NULL) {
        return NGX_CONF_OK;
    }

    /* the server's own contexts (cf->ctx->loc_conf is not yet the server's) */
    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    conf->main_conf = cscf->ctx->main_conf;
    conf->srv_conf = cscf->ctx->srv_conf;
    conf->loc_conf = cscf->ctx->loc_conf;

    sscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_ssl_module);

    if (sscf == NULL || sscf->ssl.ctx == NULL) {
        /* no TLS in this server (no ssl_certificate): nothing to hook */
        return NGX_CONF_OK;
    }

    if (conf->hello) {
        SSL_CTX_set_client_hello_cb(sscf->ssl.ctx,
                                    ngx_http_wasm_ssl_client_hello, conf);
    }

    if (conf->certificate) {
        if (sscf->certificate_values) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "ssl_certificate_by_wasm cannot be used with "
                               "an ssl_certificate that has variables "
                               "(both need OpenSSL's certificate callback)");
            return NGX_CONF_ERROR;
        }

        SSL_CTX_set_cert_cb(sscf->ssl.ctx, ngx_http_wasm_ssl_certificate,
                            conf);
    }

    return NGX_CONF_OK;
}


/*
 * Run a handler for a handshake: NGX_OK when it returned 0 without
 * rejecting; NGX_DECLINED when it rejected (*alert); NGX_ERROR when it
 * failed (one log line from ngx_http_wasm_invoke) or we could not run it.
 */
static ngx_int_t
ngx_http_wasm_ssl_run(SSL *ssl, ngx_http_wasm_srv_conf_t *wscf,
    ngx_uint_t phase, ngx_http_wasm_handler_t *handler, int *alert)
{
    ngx_int_t                 rc;
    ngx_pool_t               *pool;
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_wasm_ssl_run_t  *run;

    c = ngx_ssl_get_connection(ssl);
    if (c == NULL) {
        return NGX_ERROR;
    }

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, c->log);
    if (pool == NULL) {
        return NGX_ERROR;
    }

    run = ngx_pcalloc(pool, sizeof(ngx_http_wasm_ssl_run_t));
    if (run == NULL) {
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    run->ssl = ssl;

    r = &run->request;
    r->connection = c;
    r->pool = pool;
    r->main_conf = wscf->main_conf;
    r->srv_conf = wscf->srv_conf;
    r->loc_conf = wscf->loc_conf;

    run->ctx.request = r;

    run->wi.request = r;
    run->wi.ctx = &run->ctx;
    run->wi.handler = handler;
    run->wi.phase = (ngx_http_wasm_phase_e) phase;

    run->wi.instance = ngx_pcalloc(pool, handler->guest->instance_size);
    if (run->wi.instance == NULL) {
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    rc = ngx_http_wasm_invoke(&run->wi);

    if (run->wi.instantiated) {
        ngx_http_wasm_free_instance(&run->wi);
    }

    if (rc == NGX_OK && run->rejected) {
        *alert = run->alert;
        rc = NGX_DECLINED;
    }

    ngx_destroy_pool(pool);

    return rc;
}


static int
ngx_http_wasm_ssl_client_hello(SSL *ssl, int *al, void *arg)
{
    ngx_http_wasm_srv_conf_t *wscf = arg;

    int        alert;
    ngx_int_t  rc;

    rc = ngx_http_wasm_ssl_run(ssl, wscf, NGX_HTTP_WASM_SSL_CLIENT_HELLO,
                               wscf->hello, &alert);

    if (rc == NGX_OK) {
        return SSL_CLIENT_HELLO_SUCCESS;
    }

    /* OpenSSL sends the alert if it knows it, else closes without one */
    *al = rc == NGX_DECLINED ? alert : SSL_AD_INTERNAL_ERROR;

    return SSL_CLIENT_HELLO_ERROR;
}


static int
ngx_http_wasm_ssl_certificate(SSL *ssl, void *arg)
{
    ngx_http_wasm_srv_conf_t *wscf = arg;

    int        alert;
    ngx_int_t  rc;

    rc = ngx_http_wasm_ssl_run(ssl, wscf, NGX_HTTP_WASM_SSL_CERTIFICATE,
                               wscf->certificate, &alert);

    if (rc == NGX_OK) {
        return 1;
    }

    /*
     * the handshake fails with internal_error (the only alert of a failed
     * certificate callback); nginx logs it at info, as it does a refused
     * client hello: the guest's failure, if any, has its own line
     */
    ERR_clear_error();
    ERR_raise(ERR_LIB_SSL, SSL_R_CALLBACK_FAILED);

    return 0;
}


#define ngx_http_wasm_ssl_run_of(wi)                                          \
    ((ngx_http_wasm_ssl_run_t *) ((u_char *) (wi)                             \
                                  - offsetof(ngx_http_wasm_ssl_run_t, wi)))


int32_t
ngx_http_wasm_ssl_get_server_name(ngx_http_wasm_instance_t *wi, u_char *buf,
    size_t buf_len)
{
    size_t                    len, n;
    const char               *name;
    const unsigned char      *p;
    ngx_http_wasm_ssl_run_t  *run;

    run = ngx_http_wasm_ssl_run_of(wi);

    if (wi->phase == (ngx_http_wasm_phase_e) NGX_HTTP_WASM_SSL_CERTIFICATE) {
        name = SSL_get_servername(run->ssl, TLSEXT_NAMETYPE_host_name);
        if (name == NULL) {
            return NGX_WASM_NOT_FOUND;
        }

        return ngx_http_wasm_copy_out(buf, buf_len, (u_char *) name,
                                      ngx_strlen(name));
    }

    /* the ClientHello's server_name: list length, then type, length, name */
    if (!SSL_client_hello_get0_ext(run->ssl, TLSEXT_TYPE_server_name, &p,
                                   &len)
        || len < 2)
    {
        return NGX_WASM_NOT_FOUND;
    }

    n = ((size_t) p[0] << 8) | p[1];
    p += 2;
    len = ngx_min(len - 2, n);

    while (len >= 3) {
        n = ((size_t) p[1] << 8) | p[2];

        if (n > len - 3) {
            break;
        }

        if (p[0] == TLSEXT_NAMETYPE_host_name && n > 0) {
            return ngx_http_wasm_copy_out(buf, buf_len, (u_char *) p + 3, n);
        }

        p += 3 + n;
        len -= 3 + n;
    }

    return NGX_WASM_NOT_FOUND;
}


int32_t
ngx_http_wasm_ssl_reject_handshake(ngx_http_wasm_instance_t *wi,
    int32_t alert)
{
    ngx_http_wasm_ssl_run_t  *run;

    run = ngx_http_wasm_ssl_run_of(wi);

    run->rejected = 1;
    run->alert = alert;

    return NGX_WASM_OK;
}


static int
ngx_http_wasm_ssl_no_password(char *buf, int size, int rwflag, void *u)
{
    return 0;
}


static void
ngx_http_wasm_ssl_pem_free(ngx_http_wasm_ssl_pem_t *pem)
{
    X509_free(pem->cert);
    EVP_PKEY_free(pem->key);

    if (pem->chain) {
        sk_X509_pop_free(pem->chain, X509_free);
    }

    ngx_free(pem);
}


/* parse a PEM chain (leaf first) and its key; NULL when invalid */
static ngx_http_wasm_ssl_pem_t *
ngx_http_wasm_ssl_pem_parse(u_char *cert, size_t cert_len, u_char *key,
    size_t key_len, ngx_log_t *log)
{
    BIO                      *bio;
    X509                     *x;
    ngx_http_wasm_ssl_pem_t  *pem;

    pem = ngx_calloc(sizeof(ngx_http_wasm_ssl_pem_t), log);
    if (pem == NULL) {
        return NULL;
    }

    bio = BIO_new_mem_buf(cert, (int) cert_len);
    if (bio == NULL) {
        goto failed;
    }

    pem->cert = PEM_read_bio_X509_AUX(bio, NULL,
                                      ngx_http_wasm_ssl_no_password, NULL);
    if (pem->cert == NULL) {
        BIO_free(bio);
        goto failed;
    }

    for ( ;; ) {
        x = PEM_read_bio_X509(bio, NULL, ngx_http_wasm_ssl_no_password, NULL);
        if (x == NULL) {
            break;
        }

        if (pem->chain == NULL) {
            pem->chain = sk_X509_new_null();
        }

        if (pem->chain == NULL || !sk_X509_push(pem->chain, x)) {
            X509_free(x);
            BIO_free(bio);
            goto failed;
        }
    }

    BIO_free(bio);

    /* the end of the chain is "no start line"; anything else is invalid */
    if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
        goto failed;
    }

    ERR_clear_error();

    bio = BIO_new_mem_buf(key, (int) key_len);
    if (bio == NULL) {
        goto failed;
    }

    pem->key = PEM_read_bio_PrivateKey(bio, NULL,
                                       ngx_http_wasm_ssl_no_password, NULL);
    BIO_free(bio);

    if (pem->key == NULL || X509_check_private_key(pem->cert, pem->key) != 1)
    {
        goto failed;
    }

    return pem;

failed:

    ERR_clear_error();
    ngx_http_wasm_ssl_pem_free(pem);

    return NULL;
}


/* the parsed pair for these bytes: from the cache, or parsed and cached */
static ngx_http_wasm_ssl_pem_t *
ngx_http_wasm_ssl_pem(u_char *cert, size_t cert_len, u_char *key,
    size_t key_len, ngx_log_t *log)
{
    u_char                    digest[32];
    uint64_t                  n;
    ngx_queue_t              *q;
    EVP_MD_CTX               *md;
    ngx_http_wasm_ssl_pem_t  *pem;

    if (ngx_http_wasm_ssl_pems.next == NULL) {
        ngx_queue_init(&ngx_http_wasm_ssl_pems);
    }

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return NULL;
    }

    n = cert_len;

    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(md, &n, sizeof(n)) != 1
        || EVP_DigestUpdate(md, cert, cert_len) != 1
        || EVP_DigestUpdate(md, key, key_len) != 1
        || EVP_DigestFinal_ex(md, digest, NULL) != 1)
    {
        EVP_MD_CTX_free(md);
        ERR_clear_error();
        return NULL;
    }

    EVP_MD_CTX_free(md);

    for (q = ngx_queue_head(&ngx_http_wasm_ssl_pems);
         q != ngx_queue_sentinel(&ngx_http_wasm_ssl_pems);
         q = ngx_queue_next(q))
    {
        pem = ngx_queue_data(q, ngx_http_wasm_ssl_pem_t, queue);

        if (ngx_memcmp(pem->digest, digest, sizeof(digest)) == 0) {
            ngx_queue_remove(q);
            ngx_queue_insert_head(&ngx_http_wasm_ssl_pems, q);
            return pem;
        }
    }

    pem = ngx_http_wasm_ssl_pem_parse(cert, cert_len, key, key_len, log);
    if (pem == NULL) {
        return NULL;
    }

    ngx_memcpy(pem->digest, digest, sizeof(digest));

    /* handshakes that use an evicted pair hold their own references */
    if (ngx_http_wasm_ssl_npems == NGX_HTTP_WASM_SSL_PEM_CACHE) {
        q = ngx_queue_last(&ngx_http_wasm_ssl_pems);
        ngx_queue_remove(q);
        ngx_http_wasm_ssl_pem_free(ngx_queue_data(q, ngx_http_wasm_ssl_pem_t,
                                                  queue));
        ngx_http_wasm_ssl_npems--;
    }

    ngx_queue_insert_head(&ngx_http_wasm_ssl_pems, &pem->queue);
    ngx_http_wasm_ssl_npems++;

    return pem;
}


int32_t
ngx_http_wasm_ssl_set_certificate(ngx_http_wasm_instance_t *wi, u_char *cert,
    size_t cert_len, u_char *key, size_t key_len)
{
    SSL                      *ssl;
    ngx_http_wasm_ssl_pem_t  *pem;

    if (cert_len == 0 || key_len == 0
        || cert_len > NGX_MAX_INT32_VALUE || key_len > NGX_MAX_INT32_VALUE)
    {
        return NGX_WASM_ERROR;
    }

    pem = ngx_http_wasm_ssl_pem(cert, cert_len, key, key_len,
                                wi->request->connection->log);
    if (pem == NULL) {
        return NGX_WASM_ERROR;
    }

    ssl = ngx_http_wasm_ssl_run_of(wi)->ssl;

    /* replace the server's certificates (of every key type) with this one */
    SSL_certs_clear(ssl);

    if (SSL_use_certificate(ssl, pem->cert) != 1
        || SSL_use_PrivateKey(ssl, pem->key) != 1
        || SSL_set1_chain(ssl, pem->chain) != 1)
    {
        ERR_clear_error();
        return NGX_WASM_ERROR;
    }

    return NGX_WASM_OK;
}

/* GENERATED from host-abi/abi.json by host-abi/generate.ts. Do not edit; run `make gen`. */

/*
 * ngx_wasm guest ABI, version 1.
 *
 * Guests: include this header and compile with clang --target=wasm32; every
 * function below is imported from module "env".
 * Hosts: define NGX_WASM_HOST before including it to get only the
 * constants, the phase bits and the NGX_WASM_FUNCTIONS(X) table.
 */

#ifndef NGX_WASM_GUEST_ABI_H
#define NGX_WASM_GUEST_ABI_H

#include <stdint.h>

#define NGX_WASM_ABI_VERSION 1

/* status */
#define NGX_WASM_OK (0)  /* success */
#define NGX_WASM_NOT_FOUND (-1)  /* no such item */
#define NGX_WASM_ERROR (-2)  /* invalid argument or failure */

/* logLevel */
#define NGX_WASM_LOG_STDERR (0)
#define NGX_WASM_LOG_EMERG (1)
#define NGX_WASM_LOG_ALERT (2)
#define NGX_WASM_LOG_CRIT (3)
#define NGX_WASM_LOG_ERR (4)
#define NGX_WASM_LOG_WARN (5)
#define NGX_WASM_LOG_NOTICE (6)
#define NGX_WASM_LOG_INFO (7)
#define NGX_WASM_LOG_DEBUG (8)

/* subrequestOption */
#define NGX_WASM_SUBREQ_CAPTURE_BODY (1)  /* capture the subrequest response body in memory */

/* method */
#define NGX_WASM_METHOD_DEFAULT (0)  /* same as GET */
#define NGX_WASM_METHOD_GET (2)
#define NGX_WASM_METHOD_HEAD (4)
#define NGX_WASM_METHOD_POST (8)
#define NGX_WASM_METHOD_PUT (16)
#define NGX_WASM_METHOD_DELETE (32)
#define NGX_WASM_METHOD_OPTIONS (512)
#define NGX_WASM_METHOD_PATCH (16384)

/* limit */
#define NGX_WASM_LOG_MAX (1024)  /* log message bytes; longer messages are truncated */
#define NGX_WASM_SHM_KEY_MAX (256)  /* shared dict key bytes */
#define NGX_WASM_SHM_VALUE_MAX (65535)  /* shared dict value bytes */
#define NGX_WASM_TIME_BUF_MIN (8)  /* time buffer bytes (little-endian u64 ms) */
#define NGX_WASM_MEMORY_MAX_PAGES (256)  /* guest linear memory cap in 64 KiB pages (16 MiB): a memory.grow past it fails (returns -1) */

/* phases: one bit each */
#define NGX_WASM_PHASE_SERVER_REWRITE (1u << 0)  /* server_rewrite_by_wasm: server-level rewrite, before location matching */
#define NGX_WASM_PHASE_REWRITE (1u << 1)  /* rewrite_by_wasm: location rewrite */
#define NGX_WASM_PHASE_ACCESS (1u << 2)  /* access_by_wasm: access control */
#define NGX_WASM_PHASE_CONTENT (1u << 3)  /* content_by_wasm: produce the response */
#define NGX_WASM_PHASE_HEADER_FILTER (1u << 4)  /* header_filter_by_wasm: inspect/alter response status and headers */
#define NGX_WASM_PHASE_BODY_FILTER (1u << 5)  /* body_filter_by_wasm: inspect/replace each response body chunk */
#define NGX_WASM_PHASE_LOG (1u << 6)  /* log_by_wasm: after the response is sent */
#define NGX_WASM_PHASE_BALANCER (1u << 7)  /* balancer_by_wasm: choose an upstream peer */
#define NGX_WASM_PHASE_SSL_CLIENT_HELLO (1u << 8)  /* ssl_client_hello_by_wasm: TLS ClientHello received */
#define NGX_WASM_PHASE_SSL_CERTIFICATE (1u << 9)  /* ssl_certificate_by_wasm: choose the TLS certificate */
#define NGX_WASM_PHASE_COUNT 10

/* X(NAME_BIT, "name", "directive", "conventional export", may_yield) */
#define NGX_WASM_PHASES(X) \
    X(NGX_WASM_PHASE_SERVER_REWRITE, "server_rewrite", "server_rewrite_by_wasm", "on_rewrite", 1) \
    X(NGX_WASM_PHASE_REWRITE, "rewrite", "rewrite_by_wasm", "on_rewrite", 1) \
    X(NGX_WASM_PHASE_ACCESS, "access", "access_by_wasm", "on_access", 1) \
    X(NGX_WASM_PHASE_CONTENT, "content", "content_by_wasm", "on_content", 1) \
    X(NGX_WASM_PHASE_HEADER_FILTER, "header_filter", "header_filter_by_wasm", "on_header", 0) \
    X(NGX_WASM_PHASE_BODY_FILTER, "body_filter", "body_filter_by_wasm", "on_body", 0) \
    X(NGX_WASM_PHASE_LOG, "log", "log_by_wasm", "on_log", 0) \
    X(NGX_WASM_PHASE_BALANCER, "balancer", "balancer_by_wasm", "on_balancer", 0) \
    X(NGX_WASM_PHASE_SSL_CLIENT_HELLO, "ssl_client_hello", "ssl_client_hello_by_wasm", "on_client_hello", 0) \
    X(NGX_WASM_PHASE_SSL_CERTIFICATE, "ssl_certificate", "ssl_certificate_by_wasm", "on_certificate", 0)

/* ABI areas: one bit each, so a host can say which it implements */
#define NGX_WASM_AREA_LOG (1u << 0)  /* error-log output */
#define NGX_WASM_AREA_RESPONSE (1u << 1)  /* response status, headers and body */
#define NGX_WASM_AREA_BODY_FILTER (1u << 2)  /* response body chunks in the body filter */
#define NGX_WASM_AREA_REQUEST (1u << 3)  /* request headers and body */
#define NGX_WASM_AREA_VARIABLES (1u << 4)  /* nginx variables */
#define NGX_WASM_AREA_TIME (1u << 5)  /* cached nginx time */
#define NGX_WASM_AREA_SHARED_DICT (1u << 6)  /* the shared key/value zone */
#define NGX_WASM_AREA_METRICS (1u << 7)  /* counters and gauges */
#define NGX_WASM_AREA_SUBREQUEST (1u << 8)  /* nginx-internal subrequests */
#define NGX_WASM_AREA_YIELD (1u << 9)  /* re-invocation */
#define NGX_WASM_AREA_BALANCER (1u << 10)  /* upstream peer selection */
#define NGX_WASM_AREA_SSL (1u << 11)  /* TLS handshake hooks */

/* X(AREA_BIT, "name", "what it covers") */
#define NGX_WASM_AREAS(X) \
    X(NGX_WASM_AREA_LOG, "log", "error-log output") \
    X(NGX_WASM_AREA_RESPONSE, "response", "response status, headers and body") \
    X(NGX_WASM_AREA_BODY_FILTER, "body_filter", "response body chunks in the body filter") \
    X(NGX_WASM_AREA_REQUEST, "request", "request headers and body") \
    X(NGX_WASM_AREA_VARIABLES, "variables", "nginx variables") \
    X(NGX_WASM_AREA_TIME, "time", "cached nginx time") \
    X(NGX_WASM_AREA_SHARED_DICT, "shared_dict", "the shared key/value zone") \
    X(NGX_WASM_AREA_METRICS, "metrics", "counters and gauges") \
    X(NGX_WASM_AREA_SUBREQUEST, "subrequest", "nginx-internal subrequests") \
    X(NGX_WASM_AREA_YIELD, "yield", "re-invocation") \
    X(NGX_WASM_AREA_BALANCER, "balancer", "upstream peer selection") \
    X(NGX_WASM_AREA_SSL, "ssl", "TLS handshake hooks")

/* X(name, number of i32 params, allowed phase bits, area bit, reads the request body); every param and the result are i32 */
#define NGX_WASM_FUNCTIONS(X) \
    X(ngx_wasm_log, 3, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER | NGX_WASM_PHASE_SSL_CLIENT_HELLO | NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_LOG, 0) \
    X(ngx_wasm_resp_set_status, 1, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER, NGX_WASM_AREA_RESPONSE, 0) \
    X(ngx_wasm_resp_get_status, 0, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_LOG, NGX_WASM_AREA_RESPONSE, 0) \
    X(ngx_wasm_resp_set_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER, NGX_WASM_AREA_RESPONSE, 0) \
    X(ngx_wasm_resp_get_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER, NGX_WASM_AREA_RESPONSE, 0) \
    X(ngx_wasm_resp_write, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_RESPONSE, 0) \
    X(ngx_wasm_resp_get_body_chunk, 2, NGX_WASM_PHASE_BODY_FILTER, NGX_WASM_AREA_BODY_FILTER, 0) \
    X(ngx_wasm_resp_get_body_chunk_eof, 0, NGX_WASM_PHASE_BODY_FILTER, NGX_WASM_AREA_BODY_FILTER, 0) \
    X(ngx_wasm_resp_set_body_chunk, 2, NGX_WASM_PHASE_BODY_FILTER, NGX_WASM_AREA_BODY_FILTER, 0) \
    X(ngx_wasm_req_get_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_REQUEST, 0) \
    X(ngx_wasm_req_set_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_REQUEST, 0) \
    X(ngx_wasm_req_get_body, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_REQUEST, 1) \
    X(ngx_wasm_var_get, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_VARIABLES, 0) \
    X(ngx_wasm_var_set, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_VARIABLES, 0) \
    X(ngx_wasm_time_unix_ms, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER | NGX_WASM_PHASE_SSL_CLIENT_HELLO | NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_TIME, 0) \
    X(ngx_wasm_time_monotonic_ms, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER | NGX_WASM_PHASE_SSL_CLIENT_HELLO | NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_TIME, 0) \
    X(ngx_wasm_shm_get, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_exists, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_set, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_set_ex, 5, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_add, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_replace, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_incr, 3, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_shm_delete, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_SHARED_DICT, 0) \
    X(ngx_wasm_metric_counter_inc, 3, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_METRICS, 0) \
    X(ngx_wasm_metric_gauge_set, 3, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_METRICS, 0) \
    X(ngx_wasm_metric_gauge_add, 3, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT | NGX_WASM_PHASE_HEADER_FILTER | NGX_WASM_PHASE_BODY_FILTER | NGX_WASM_PHASE_LOG | NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_METRICS, 0) \
    X(ngx_wasm_subreq_set_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_subreq, 6, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_subreq_get_status, 0, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_subreq_get_header, 4, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_subreq_get_body, 2, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_subreq_get_body_len, 0, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_SUBREQUEST, 0) \
    X(ngx_wasm_yield, 0, NGX_WASM_PHASE_SERVER_REWRITE | NGX_WASM_PHASE_REWRITE | NGX_WASM_PHASE_ACCESS | NGX_WASM_PHASE_CONTENT, NGX_WASM_AREA_YIELD, 0) \
    X(ngx_wasm_balancer_set_peer, 1, NGX_WASM_PHASE_BALANCER, NGX_WASM_AREA_BALANCER, 0) \
    X(ngx_wasm_ssl_get_server_name, 2, NGX_WASM_PHASE_SSL_CLIENT_HELLO | NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_SSL, 0) \
    X(ngx_wasm_ssl_reject_handshake, 1, NGX_WASM_PHASE_SSL_CLIENT_HELLO | NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_SSL, 0) \
    X(ngx_wasm_ssl_set_certificate, 4, NGX_WASM_PHASE_SSL_CERTIFICATE, NGX_WASM_AREA_SSL, 0)
#define NGX_WASM_FUNCTION_COUNT 38

#define NGX_WASM_IMPORT_MODULE "env"
#define NGX_WASM_MEMORY_EXPORT "memory"

#ifdef NGX_WASM_HOST

#include <stddef.h>

/* header rules (abi.json "headers"), applied by ngx_wasm_resp_set_header, ngx_wasm_req_set_header, ngx_wasm_subreq_set_header:
 * an invalid name or value changes nothing and the call returns NGX_WASM_ERROR */

/* a name is one or more HTTP token characters */
static inline int
ngx_wasm_header_name_valid(const unsigned char *p, size_t len)
{
    static const uint32_t  token[8] = { 0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu,
                                        0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u };
    size_t                 i;

    for (i = 0; i < len; i++) {
        if (!(token[p[i] >> 5] & (1u << (p[i] & 31)))) {
            return 0;
        }
    }

    return len > 0;
}

/* a value holds none of the bytes 0, 10, 13 */
static inline int
ngx_wasm_header_value_valid(const unsigned char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        switch (p[i]) {
        case 0: case 10: case 13:
            return 0;
        }
    }

    return 1;
}

#endif /* NGX_WASM_HOST */

#ifdef NGX_WASM_HOST

/* WebAssembly features the nginx host's compiler (wasm2c) cannot compile,
 * and the words by which wabt's wasm-validate reports their use */
typedef struct {
    const char  *doc;
    const char  *words[4];
} ngx_wasm_feature_t;

static const ngx_wasm_feature_t  ngx_wasm_unsupported_features[] = {
    { "SIMD (v128 types or instructions)", { "0xfd", NULL } },
    { "threads (shared memory or atomic instructions)", { "0xfe", "threads", NULL } },
    { "tail calls (return_call instructions)", { "opcode: 0x12", "opcode: 0x13", "tail", NULL } },
    { "64-bit memory (memory64)", { "memory64", NULL } },
    { NULL, { NULL } }
};

#endif /* NGX_WASM_HOST */

#ifndef NGX_WASM_HOST

#if defined(__wasm__)
#define NGX_WASM_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#else
#define NGX_WASM_IMPORT(name)
#endif

/* Write guest bytes to the nginx error log at `level` (0 STDERR .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated, never used as a format string; control bytes other than tab are written as `\xNN`, so a message cannot forge log lines. Returns 0. */
NGX_WASM_IMPORT(ngx_wasm_log) int32_t ngx_wasm_log(int32_t level, int32_t ptr, int32_t len);
/* Set the response status code. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_set_status) int32_t ngx_wasm_resp_set_status(int32_t status);
/* Get the response status code. Returns status. */
NGX_WASM_IMPORT(ngx_wasm_resp_get_status) int32_t ngx_wasm_resp_get_status(void);
/* Set (replace) a response header; an empty value removes it. `Content-Type` overrides the default `text/plain`. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_set_header) int32_t ngx_wasm_resp_set_header(int32_t name_ptr, int32_t name_len, int32_t value_ptr, int32_t value_len);
/* Copy a response header value into the buffer (name matched case-insensitively). Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_get_header) int32_t ngx_wasm_resp_get_header(int32_t name_ptr, int32_t name_len, int32_t buf_ptr, int32_t buf_len);
/* Set the response body to these bytes (replacing an earlier write); sent after the handler returns. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_write) int32_t ngx_wasm_resp_write(int32_t ptr, int32_t len);
/* Copy the current response body chunk into the buffer. Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_get_body_chunk) int32_t ngx_wasm_resp_get_body_chunk(int32_t buf_ptr, int32_t buf_len);
/* Tell whether the current body chunk is the last one. Returns 0 / 1 / -1. */
NGX_WASM_IMPORT(ngx_wasm_resp_get_body_chunk_eof) int32_t ngx_wasm_resp_get_body_chunk_eof(void);
/* Replace the output for the current body chunk (not calling it passes the chunk through unchanged). Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_resp_set_body_chunk) int32_t ngx_wasm_resp_set_body_chunk(int32_t ptr, int32_t len);
/* Copy a request header value into the buffer (name matched case-insensitively). Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_req_get_header) int32_t ngx_wasm_req_get_header(int32_t name_ptr, int32_t name_len, int32_t buf_ptr, int32_t buf_len);
/* Set (replace) a request header; an empty value removes it. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_req_set_header) int32_t ngx_wasm_req_set_header(int32_t name_ptr, int32_t name_len, int32_t value_ptr, int32_t value_len);
/* Copy the request body, read before the handler runs. A body larger than `wasm_request_body_buffer_size` (by Content-Length, or once read when chunked) is answered 413 before a guest importing this function runs, with one error-log line naming the directive and its limit, as the reference host does. Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_req_get_body) int32_t ngx_wasm_req_get_body(int32_t buf_ptr, int32_t buf_len);
/* Copy the value of an nginx variable (name without `$`). Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_var_get) int32_t ngx_wasm_var_get(int32_t name_ptr, int32_t name_len, int32_t buf_ptr, int32_t buf_len);
/* Set an nginx variable (declared with `set` or otherwise changeable). Returns 0 / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_var_set) int32_t ngx_wasm_var_set(int32_t name_ptr, int32_t name_len, int32_t value_ptr, int32_t value_len);
/* Write the cached wall-clock time as a little-endian u64 of milliseconds since the epoch. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_time_unix_ms) int32_t ngx_wasm_time_unix_ms(int32_t buf_ptr, int32_t buf_len);
/* Write the cached monotonic time as a little-endian u64 of milliseconds. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_time_monotonic_ms) int32_t ngx_wasm_time_monotonic_ms(int32_t buf_ptr, int32_t buf_len);
/* Copy the value stored under a key in the shared zone. Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_get) int32_t ngx_wasm_shm_get(int32_t key_ptr, int32_t key_len, int32_t buf_ptr, int32_t buf_len);
/* Tell whether a key exists in the shared zone. Returns 0 / 1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_exists) int32_t ngx_wasm_shm_exists(int32_t key_ptr, int32_t key_len);
/* Store a value under a key with no expiry (may evict least-recently-used entries). Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_set) int32_t ngx_wasm_shm_set(int32_t key_ptr, int32_t key_len, int32_t value_ptr, int32_t value_len);
/* Store a value with a time-to-live in milliseconds (0 = none); expiry is lazy. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_set_ex) int32_t ngx_wasm_shm_set_ex(int32_t key_ptr, int32_t key_len, int32_t value_ptr, int32_t value_len, int32_t ttl_msec);
/* Store a value only if the key does not exist. Returns 0 / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_add) int32_t ngx_wasm_shm_add(int32_t key_ptr, int32_t key_len, int32_t value_ptr, int32_t value_len);
/* Store a value only if the key exists. Returns 0 / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_replace) int32_t ngx_wasm_shm_replace(int32_t key_ptr, int32_t key_len, int32_t value_ptr, int32_t value_len);
/* Add delta to an ASCII base-10 signed 32-bit value and return the new value. The stored value must be an optional `-` then one or more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing else) within -2147483648..2147483647; the new value is stored in its shortest form (`007` + 0 → `7`) and keeps the entry's TTL. Returns value / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_incr) int32_t ngx_wasm_shm_incr(int32_t key_ptr, int32_t key_len, int32_t delta);
/* Delete a key. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_shm_delete) int32_t ngx_wasm_shm_delete(int32_t key_ptr, int32_t key_len);
/* Add a non-negative delta to a counter declared with `wasm_counter` (saturates at i64 max). Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_metric_counter_inc) int32_t ngx_wasm_metric_counter_inc(int32_t name_ptr, int32_t name_len, int32_t delta);
/* Set a gauge declared with `wasm_gauge`. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_metric_gauge_set) int32_t ngx_wasm_metric_gauge_set(int32_t name_ptr, int32_t name_len, int32_t value);
/* Add a (possibly negative) delta to a gauge. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_metric_gauge_add) int32_t ngx_wasm_metric_gauge_add(int32_t name_ptr, int32_t name_len, int32_t delta);
/* Stage a request header for the next subrequest launch. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq_set_header) int32_t ngx_wasm_subreq_set_header(int32_t name_ptr, int32_t name_len, int32_t value_ptr, int32_t value_len);
/* Launch an nginx-internal subrequest to any location of the server (static files, return, proxy_pass, a location running a guest); method numbers are nginx's, option 1 captures the response body in memory, up to the host's buffer (nginx: wasm_subrequest_buffer_size, default 64k; a larger body is not captured: subreq_get_body and subreq_get_body_len return -2, the status and headers stay readable). The uri is refused (-2) when it does not start with /, holds a NUL or a .. segment (also %-encoded), or carries ?args while args are given too; ?args in the uri are the args. The staged headers replace the parent's of the same name. One subrequest at a time; a subrequest that fails (404, 502, 504, an internal error) reports its status to the guest, it does not fail the parent. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq) int32_t ngx_wasm_subreq(int32_t uri_ptr, int32_t uri_len, int32_t args_ptr, int32_t args_len, int32_t method, int32_t options);
/* Get the status of the last finished subrequest. Returns status / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq_get_status) int32_t ngx_wasm_subreq_get_status(void);
/* Copy a response header of the last finished subrequest. Returns len / -1 / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq_get_header) int32_t ngx_wasm_subreq_get_header(int32_t name_ptr, int32_t name_len, int32_t buf_ptr, int32_t buf_len);
/* Copy the captured body of the last finished subrequest (-2 when it was launched without option 1, or its body was larger than the host's buffer: wasm_subrequest_buffer_size on nginx). Returns len / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq_get_body) int32_t ngx_wasm_subreq_get_body(int32_t buf_ptr, int32_t buf_len);
/* Get the length of the captured subrequest body. Returns len / -2. */
NGX_WASM_IMPORT(ngx_wasm_subreq_get_body_len) int32_t ngx_wasm_subreq_get_body_len(void);
/* Give control back to nginx; the export is re-invoked later with globals and memory kept. Returns 0. */
NGX_WASM_IMPORT(ngx_wasm_yield) int32_t ngx_wasm_yield(void);
/* Choose the upstream server by zero-based index into the `upstream {}` block's servers. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_balancer_set_peer) int32_t ngx_wasm_balancer_set_peer(int32_t peer_index);
/* Copy the TLS server name (SNI) sent by the client. Returns len / -1. */
NGX_WASM_IMPORT(ngx_wasm_ssl_get_server_name) int32_t ngx_wasm_ssl_get_server_name(int32_t buf_ptr, int32_t buf_len);
/* Reject the TLS handshake with an alert number. Returns 0. */
NGX_WASM_IMPORT(ngx_wasm_ssl_reject_handshake) int32_t ngx_wasm_ssl_reject_handshake(int32_t alert);
/* Use this PEM certificate chain and private key for the handshake. Returns 0 / -2. */
NGX_WASM_IMPORT(ngx_wasm_ssl_set_certificate) int32_t ngx_wasm_ssl_set_certificate(int32_t cert_ptr, int32_t cert_len, int32_t key_ptr, int32_t key_len);

#endif /* NGX_WASM_HOST */

#endif /* NGX_WASM_GUEST_ABI_H */

/*
 * libFuzzer target for the configuration-time wasm reader: every input is
 * parsed by ngx_http_wasm_parse() and, when it parses, checked by
 * ngx_http_wasm_check_guest() and ngx_http_wasm_check_export() for each of
 * its exports and for a few names that are not there, as nginx -t would.
 *
 * The reader is included as source (its static functions and types are
 * visible here) and built with ASan + UBSan by build.sh. Its pool is
 * replaced by one calloc() per allocation, freed after each input, so
 * AddressSanitizer sees the exact bounds of every array the reader makes;
 * nginx's pools would hide an overflow inside a pool block.
 */

#include "../ngx_http_wasm_validate.c"


#define NGX_HTTP_WASM_FUZZ_MAX_BLOCKS  (1024 * 1024)


static void       **ngx_http_wasm_fuzz_blocks;
static ngx_uint_t   ngx_http_wasm_fuzz_nblocks;


void *
ngx_pcalloc(ngx_pool_t *pool, size_t size)
{
    void  *p;

    if (ngx_http_wasm_fuzz_nblocks == NGX_HTTP_WASM_FUZZ_MAX_BLOCKS) {
        return NULL;
    }

    p = calloc(1, size ? size : 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_http_wasm_fuzz_blocks[ngx_http_wasm_fuzz_nblocks++] = p;

    return p;
}


void *
ngx_palloc(ngx_pool_t *pool, size_t size)
{
    return ngx_pcalloc(pool, size);
}


void *
ngx_pnalloc(ngx_pool_t *pool, size_t size)
{
    return ngx_pcalloc(pool, size);
}


/*
 * A message is one line of printable text, NUL-terminated inside err.
 * NGX_HTTP_WASM_FUZZ_PRINT=1 in the environment prints each one (to see
 * what a corpus file gets: ./fuzz_reader FILE...).
 */
static void
ngx_http_wasm_fuzz_check_message(u_char *err, size_t errlen)
{
    size_t  i;

    static int  print = -1;

    if (print == -1) {
        print = getenv("NGX_HTTP_WASM_FUZZ_PRINT") != NULL;
    }

    for (i = 0; i < errlen && err[i] != '\0'; i++) {
        if (err[i] < 0x20 || err[i] == 0x7f) {
            fprintf(stderr, "message byte %zu is 0x%02x: %s\n", i, err[i],
                    (char *) err);
            abort();
        }
    }

    if (i == errlen) {
        fprintf(stderr, "message is not NUL-terminated\n");
        abort();
    }

    if (i == 0) {
        fprintf(stderr, "empty message\n");
        abort();
    }

    if (print) {
        fprintf(stderr, "%s\n", (char *) err);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                  err[1024];
    ngx_str_t               name;
    ngx_uint_t              i, reads_body;
    ngx_http_wasm_info_t   *info;
    ngx_http_wasm_export_t *ex;

    static ngx_str_t  absent[] = {
        ngx_string("on_content"),
        ngx_string("memory"),
        ngx_string("")
    };

    if (ngx_http_wasm_fuzz_blocks == NULL) {
        ngx_http_wasm_fuzz_blocks = calloc(NGX_HTTP_WASM_FUZZ_MAX_BLOCKS,
                                           sizeof(void *));
        if (ngx_http_wasm_fuzz_blocks == NULL) {
            abort();
        }
    }

    /* the pool pointer is only passed through to ngx_pcalloc() above */
    info = ngx_http_wasm_parse((ngx_pool_t *) &ngx_http_wasm_fuzz_blocks,
                               (u_char *) data, size, err, sizeof(err));

    if (info == NULL) {
        ngx_http_wasm_fuzz_check_message(err, sizeof(err));
        goto done;
    }

    if (ngx_http_wasm_check_guest(info, &reads_body, err, sizeof(err))
        != NGX_OK)
    {
        ngx_http_wasm_fuzz_check_message(err, sizeof(err));
    }

    (void) ngx_http_wasm_has_imports(info);

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];
        name = ex->name;

        if (ngx_http_wasm_check_export(info, &name, err, sizeof(err))
            != NGX_OK)
        {
            ngx_http_wasm_fuzz_check_message(err, sizeof(err));
        }
    }

    for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        if (ngx_http_wasm_check_export(info, &absent[i], err, sizeof(err))
            != NGX_OK)
        {
            ngx_http_wasm_fuzz_check_message(err, sizeof(err));
        }
    }

done:

    while (ngx_http_wasm_fuzz_nblocks) {
        free(ngx_http_wasm_fuzz_blocks[--ngx_http_wasm_fuzz_nblocks]);
    }

    return 0;
}

/*
 * A tiny WebAssembly binary reader: just enough of the type, import,
 * function, memory and export sections to check a guest against the
 * ngx_wasm ABI at configuration time, with messages that name the file's
 * problem. Opcode-level features (SIMD, atomics, tail calls) are found by
 * wasm-validate when the guest is compiled (ngx_http_wasm_guest.c).
 */

#include "ngx_http_wasm_module.h"


#define NGX_HTTP_WASM_I32        0x7f
#define NGX_HTTP_WASM_V128       0x7b

#define NGX_HTTP_WASM_KIND_FUNC    0
#define NGX_HTTP_WASM_KIND_TABLE   1
#define NGX_HTTP_WASM_KIND_MEMORY  2
#define NGX_HTTP_WASM_KIND_GLOBAL  3


typedef struct {
    uint32_t        nparams;
    uint32_t        nresults;
    u_char         *params;
    u_char         *results;
} ngx_http_wasm_type_t;


typedef struct {
    ngx_str_t       module;
    ngx_str_t       name;
    ngx_uint_t      kind;
    uint32_t        type;
} ngx_http_wasm_import_t;


typedef struct {
    ngx_str_t       name;
    ngx_uint_t      kind;
    uint32_t        index;
} ngx_http_wasm_export_t;


struct ngx_http_wasm_info_s {
    ngx_uint_t                ntypes;
    ngx_http_wasm_type_t     *types;
    ngx_uint_t                nimports;
    ngx_http_wasm_import_t   *imports;
    ngx_uint_t                nfuncs;        /* imported + defined */
    uint32_t                 *func_types;
    ngx_uint_t                nexports;
    ngx_http_wasm_export_t   *exports;
    uint32_t                  memory_pages;  /* initial pages of memory 0 */
};


typedef struct {
    u_char         *start;
    u_char         *pos;
    u_char         *end;
    ngx_pool_t     *pool;
    u_char         *err;
    size_t          errlen;
    ngx_uint_t      failed;
} ngx_http_wasm_reader_t;


/* the ABI functions, from the generated table */

typedef struct {
    ngx_str_t       name;
    ngx_uint_t      nparams;
    ngx_uint_t      area;
} ngx_http_wasm_abi_function_t;

#define NGX_HTTP_WASM_ABI_ENTRY(name, nparams, phases, area)                  \
    { ngx_string(#name), nparams, area },

static ngx_http_wasm_abi_function_t  ngx_http_wasm_abi_functions[] = {
    NGX_WASM_FUNCTIONS(NGX_HTTP_WASM_ABI_ENTRY)
    { ngx_null_string, 0, 0 }
};

#undef NGX_HTTP_WASM_ABI_ENTRY


/* the ABI areas, for messages naming what this host does not implement */

typedef struct {
    ngx_uint_t      bit;
    const char     *name;
    const char     *doc;
} ngx_http_wasm_abi_area_t;

#define NGX_HTTP_WASM_AREA_ENTRY(bit, name, doc)  { bit, name, doc },

static ngx_http_wasm_abi_area_t  ngx_http_wasm_abi_areas[] = {
    NGX_WASM_AREAS(NGX_HTTP_WASM_AREA_ENTRY)
    { 0, NULL, NULL }
};

#undef NGX_HTTP_WASM_AREA_ENTRY


static void
ngx_http_wasm_fail(ngx_http_wasm_reader_t *rd, const char *fmt, ...)
{
    va_list   args;
    u_char   *p;

    if (rd->failed) {
        return;
    }

    rd->failed = 1;

    va_start(args, fmt);
    p = ngx_vslprintf(rd->err, rd->err + rd->errlen - 1, fmt, args);
    va_end(args);
    *p = '\0';
}


static void
ngx_http_wasm_malformed(ngx_http_wasm_reader_t *rd, const char *what)
{
    ngx_http_wasm_fail(rd, "is not a valid WebAssembly module (%s at offset "
                       "%uz)", what, (size_t) (rd->pos - rd->start));
}


static u_char
ngx_http_wasm_read_byte(ngx_http_wasm_reader_t *rd)
{
    if (rd->failed || rd->pos >= rd->end) {
        ngx_http_wasm_malformed(rd, "unexpected end");
        return 0;
    }

    return *rd->pos++;
}


static uint32_t
ngx_http_wasm_read_u32(ngx_http_wasm_reader_t *rd)
{
    u_char      b;
    uint32_t    v;
    ngx_uint_t  shift;

    v = 0;

    for (shift = 0; shift < 35; shift += 7) {
        b = ngx_http_wasm_read_byte(rd);
        if (rd->failed) {
            return 0;
        }

        v |= (uint32_t) (b & 0x7f) << shift;

        if (!(b & 0x80)) {
            return v;
        }
    }

    ngx_http_wasm_malformed(rd, "integer too long");
    return 0;
}


static u_char *
ngx_http_wasm_read_bytes(ngx_http_wasm_reader_t *rd, size_t n)
{
    u_char  *p;

    if (rd->failed || (size_t) (rd->end - rd->pos) < n) {
        ngx_http_wasm_malformed(rd, "unexpected end");
        return NULL;
    }

    p = rd->pos;
    rd->pos += n;

    return p;
}


static void
ngx_http_wasm_read_name(ngx_http_wasm_reader_t *rd, ngx_str_t *name)
{
    name->len = ngx_http_wasm_read_u32(rd);
    name->data = ngx_http_wasm_read_bytes(rd, name->len);
}


/* a count whose elements take at least one byte each */
static uint32_t
ngx_http_wasm_read_count(ngx_http_wasm_reader_t *rd)
{
    uint32_t  n;

    n = ngx_http_wasm_read_u32(rd);

    if (!rd->failed && n > (size_t) (rd->end - rd->pos)) {
        ngx_http_wasm_malformed(rd, "count too large");
        return 0;
    }

    return n;
}


static void
ngx_http_wasm_read_limits(ngx_http_wasm_reader_t *rd, ngx_uint_t memory,
    uint32_t *min)
{
    u_char  flags;

    flags = ngx_http_wasm_read_byte(rd);

    if (memory && (flags & 0x04)) {
        ngx_http_wasm_fail(rd, "uses 64-bit memory (memory64), which this "
                           "host cannot compile");
        return;
    }

    if (memory && (flags & 0x02)) {
        ngx_http_wasm_fail(rd, "uses threads (shared memory), which this host "
                           "cannot compile");
        return;
    }

    if (flags > 0x01) {
        ngx_http_wasm_malformed(rd, "bad limits flags");
        return;
    }

    *min = ngx_http_wasm_read_u32(rd);

    if (flags & 0x01) {
        (void) ngx_http_wasm_read_u32(rd);
    }
}


static void
ngx_http_wasm_read_types(ngx_http_wasm_reader_t *rd, ngx_http_wasm_info_t *info)
{
    uint32_t               i, j;
    ngx_http_wasm_type_t  *t;

    info->ntypes = ngx_http_wasm_read_count(rd);
    info->types = ngx_pcalloc(rd->pool,
                              (info->ntypes + 1) * sizeof(ngx_http_wasm_type_t));
    if (info->types == NULL) {
        ngx_http_wasm_fail(rd, "out of memory");
        return;
    }

    for (i = 0; i < info->ntypes && !rd->failed; i++) {
        t = &info->types[i];

        if (ngx_http_wasm_read_byte(rd) != 0x60) {
            ngx_http_wasm_malformed(rd, "unsupported type form");
            return;
        }

        t->nparams = ngx_http_wasm_read_count(rd);
        t->params = ngx_http_wasm_read_bytes(rd, t->nparams);
        t->nresults = ngx_http_wasm_read_count(rd);
        t->results = ngx_http_wasm_read_bytes(rd, t->nresults);

        for (j = 0; !rd->failed && j < t->nparams + t->nresults; j++) {
            if ((j < t->nparams ? t->params[j]
                                : t->results[j - t->nparams])
                == NGX_HTTP_WASM_V128)
            {
                ngx_http_wasm_fail(rd, "uses SIMD (v128) values, which this "
                                   "host cannot compile");
            }
        }
    }
}


static void
ngx_http_wasm_read_imports(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t                 i, min;
    ngx_http_wasm_import_t  *im;

    info->nimports = ngx_http_wasm_read_count(rd);
    info->imports = ngx_pcalloc(rd->pool, (info->nimports + 1)
                                          * sizeof(ngx_http_wasm_import_t));
    if (info->imports == NULL) {
        ngx_http_wasm_fail(rd, "out of memory");
        return;
    }

    for (i = 0; i < info->nimports && !rd->failed; i++) {
        im = &info->imports[i];

        ngx_http_wasm_read_name(rd, &im->module);
        ngx_http_wasm_read_name(rd, &im->name);
        im->kind = ngx_http_wasm_read_byte(rd);

        switch (im->kind) {

        case NGX_HTTP_WASM_KIND_FUNC:
            im->type = ngx_http_wasm_read_u32(rd);
            info->nfuncs++;
            break;

        case NGX_HTTP_WASM_KIND_TABLE:
            (void) ngx_http_wasm_read_byte(rd);
            ngx_http_wasm_read_limits(rd, 0, &min);
            break;

        case NGX_HTTP_WASM_KIND_MEMORY:
            ngx_http_wasm_read_limits(rd, 1, &min);
            break;

        case NGX_HTTP_WASM_KIND_GLOBAL:
            (void) ngx_http_wasm_read_byte(rd);
            (void) ngx_http_wasm_read_byte(rd);
            break;

        default:
            ngx_http_wasm_malformed(rd, "unsupported import kind");
            return;
        }
    }
}


static void
ngx_http_wasm_read_functions(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t   i, n, k;
    uint32_t  *types;

    n = ngx_http_wasm_read_count(rd);

    types = ngx_pcalloc(rd->pool, (info->nfuncs + n + 1) * sizeof(uint32_t));
    if (types == NULL) {
        ngx_http_wasm_fail(rd, "out of memory");
        return;
    }

    /* imported functions come first in the function index space */
    k = 0;
    for (i = 0; i < info->nimports; i++) {
        if (info->imports[i].kind == NGX_HTTP_WASM_KIND_FUNC) {
            types[k++] = info->imports[i].type;
        }
    }

    for (i = 0; i < n && !rd->failed; i++) {
        types[k++] = ngx_http_wasm_read_u32(rd);
    }

    info->func_types = types;
    info->nfuncs = k;
}


static void
ngx_http_wasm_read_memories(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t  i, n, min;

    n = ngx_http_wasm_read_count(rd);

    for (i = 0; i < n && !rd->failed; i++) {
        min = 0;
        ngx_http_wasm_read_limits(rd, 1, &min);

        if (i == 0) {
            info->memory_pages = min;
        }
    }
}


static void
ngx_http_wasm_read_exports(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t                 i;
    ngx_http_wasm_export_t  *ex;

    info->nexports = ngx_http_wasm_read_count(rd);
    info->exports = ngx_pcalloc(rd->pool, (info->nexports + 1)
                                          * sizeof(ngx_http_wasm_export_t));
    if (info->exports == NULL) {
        ngx_http_wasm_fail(rd, "out of memory");
        return;
    }

    for (i = 0; i < info->nexports && !rd->failed; i++) {
        ex = &info->exports[i];
        ngx_http_wasm_read_name(rd, &ex->name);
        ex->kind = ngx_http_wasm_read_byte(rd);
        ex->index = ngx_http_wasm_read_u32(rd);
    }
}


/*
 * Parse the sections this host checks. On failure returns NULL with the
 * problem in err, phrased to follow 'guest "<path>" '.
 */
ngx_http_wasm_info_t *
ngx_http_wasm_parse(ngx_pool_t *pool, u_char *wasm, size_t len, u_char *err,
    size_t errlen)
{
    u_char                  id, *end;
    uint32_t                size;
    ngx_http_wasm_info_t   *info;
    ngx_http_wasm_reader_t  rd;

    static u_char  header[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };

    rd.start = wasm;
    rd.pos = wasm;
    rd.end = wasm + len;
    rd.pool = pool;
    rd.err = err;
    rd.errlen = errlen;
    rd.failed = 0;

    if (len < 8 || ngx_memcmp(wasm, header, 4) != 0) {
        ngx_http_wasm_fail(&rd, "is not a WebAssembly module (bad magic "
                           "number)");
        return NULL;
    }

    if (ngx_memcmp(wasm + 4, header + 4, 4) != 0) {
        ngx_http_wasm_fail(&rd, "is not a WebAssembly module of version 1 "
                           "(a component or a newer binary format?)");
        return NULL;
    }

    info = ngx_pcalloc(pool, sizeof(ngx_http_wasm_info_t));
    if (info == NULL) {
        ngx_http_wasm_fail(&rd, "out of memory");
        return NULL;
    }

    rd.pos += 8;

    while (rd.pos < rd.end && !rd.failed) {
        id = ngx_http_wasm_read_byte(&rd);
        size = ngx_http_wasm_read_u32(&rd);

        if (rd.failed || size > (size_t) (rd.end - rd.pos)) {
            ngx_http_wasm_malformed(&rd, "section too large");
            return NULL;
        }

        end = rd.pos + size;

        switch (id) {
        case 1:
            ngx_http_wasm_read_types(&rd, info);
            break;
        case 2:
            ngx_http_wasm_read_imports(&rd, info);
            break;
        case 3:
            ngx_http_wasm_read_functions(&rd, info);
            break;
        case 5:
            ngx_http_wasm_read_memories(&rd, info);
            break;
        case 7:
            ngx_http_wasm_read_exports(&rd, info);
            break;
        }

        rd.pos = end;
    }

    if (rd.failed) {
        return NULL;
    }

    if (info->func_types == NULL) {
        /* no function section: only imported functions */
        ngx_http_wasm_read_functions(&rd, info);
    }

    return rd.failed ? NULL : info;
}


static u_char *
ngx_http_wasm_type_string(u_char *p, u_char *last, ngx_http_wasm_info_t *info,
    uint32_t type)
{
    uint32_t               i;
    ngx_http_wasm_type_t  *t;

    static const char  *names[] = {
        "externref", "funcref", "?", "?", "?", "?", "?", "?", "?", "?",
        "?", "?", "v128", "f64", "f32", "i64", "i32"
    };

#define ngx_http_wasm_valtype(b)  /* names[] covers 0x6f .. 0x7f */          \
    ((b) >= 0x6f && (size_t) ((b) - 0x6f) < sizeof(names) / sizeof(names[0])  \
     ? names[(b) - 0x6f] : "?")

    if (type >= info->ntypes) {
        return ngx_slprintf(p, last, "(invalid type %uD)", type);
    }

    t = &info->types[type];

    p = ngx_slprintf(p, last, "(");
    for (i = 0; i < t->nparams; i++) {
        p = ngx_slprintf(p, last, "%s%s", i ? ", " : "",
                         ngx_http_wasm_valtype(t->params[i]));
    }
    p = ngx_slprintf(p, last, ") -> ");

    if (t->nresults == 1) {
        return ngx_slprintf(p, last, "%s",
                            ngx_http_wasm_valtype(t->results[0]));
    }

    p = ngx_slprintf(p, last, "(");
    for (i = 0; i < t->nresults; i++) {
        p = ngx_slprintf(p, last, "%s%s", i ? ", " : "",
                         ngx_http_wasm_valtype(t->results[i]));
    }

#undef ngx_http_wasm_valtype

    return ngx_slprintf(p, last, ")");
}


static ngx_uint_t
ngx_http_wasm_type_is(ngx_http_wasm_info_t *info, uint32_t type,
    ngx_uint_t nparams)
{
    uint32_t               i;
    ngx_http_wasm_type_t  *t;

    if (type >= info->ntypes) {
        return 0;
    }

    t = &info->types[type];

    if (t->nparams != nparams || t->nresults != 1
        || t->results[0] != NGX_HTTP_WASM_I32)
    {
        return 0;
    }

    for (i = 0; i < nparams; i++) {
        if (t->params[i] != NGX_HTTP_WASM_I32) {
            return 0;
        }
    }

    return 1;
}


static const char *
ngx_http_wasm_kind_name(ngx_uint_t kind)
{
    switch (kind) {
    case NGX_HTTP_WASM_KIND_FUNC:
        return "a function";
    case NGX_HTTP_WASM_KIND_TABLE:
        return "a table";
    case NGX_HTTP_WASM_KIND_MEMORY:
        return "a memory";
    case NGX_HTTP_WASM_KIND_GLOBAL:
        return "a global";
    }

    return "a tag";
}


/* imports and memory: the checks that do not depend on the directive */
ngx_int_t
ngx_http_wasm_check_guest(ngx_http_wasm_info_t *info, ngx_uint_t *reads_body,
    u_char *err, size_t errlen)
{
    u_char                        *p, *last;
    ngx_uint_t                     i, j, has_memory;
    ngx_http_wasm_import_t        *im;
    ngx_http_wasm_export_t        *ex;
    ngx_http_wasm_abi_function_t  *fn;
    ngx_http_wasm_abi_area_t      *area;

    last = err + errlen - 1;
    *reads_body = 0;

    for (i = 0; i < info->nimports; i++) {
        im = &info->imports[i];

        if (im->module.len != 3 || ngx_strncmp(im->module.data, "env", 3) != 0
            || im->kind != NGX_HTTP_WASM_KIND_FUNC)
        {
            p = ngx_slprintf(err, last, "imports %V.%V (%s), which is not "
                             "part of the ngx_wasm ABI v1", &im->module,
                             &im->name, ngx_http_wasm_kind_name(im->kind));
            *p = '\0';
            return NGX_ERROR;
        }

        for (fn = ngx_http_wasm_abi_functions; fn->name.len; fn++) {
            if (fn->name.len == im->name.len
                && ngx_strncmp(fn->name.data, im->name.data, im->name.len) == 0)
            {
                break;
            }
        }

        if (fn->name.len == 0) {
            p = ngx_slprintf(err, last, "imports env.%V, which is not part of "
                             "the ngx_wasm ABI v1", &im->name);
            *p = '\0';
            return NGX_ERROR;
        }

        if (!ngx_http_wasm_type_is(info, im->type, fn->nparams)) {
            p = ngx_slprintf(err, last, "imports env.%V with the wrong type: "
                             "env.%V must be (", &im->name, &im->name);
            for (j = 0; j < fn->nparams; j++) {
                p = ngx_slprintf(p, last, "%si32", j ? ", " : "");
            }
            p = ngx_slprintf(p, last, ") -> i32, the module declares ");
            p = ngx_http_wasm_type_string(p, last, info, im->type);
            *p = '\0';
            return NGX_ERROR;
        }

        if (!(fn->area & NGX_HTTP_WASM_AREAS_IMPLEMENTED)) {
            for (area = ngx_http_wasm_abi_areas; area->bit != fn->area; area++)
                { /* void */ }

            p = ngx_slprintf(err, last, "imports env.%V (area \"%s\": %s), "
                             "which this host does not support yet; remove "
                             "the call or run the guest on a host that has it",
                             &im->name, area->name, area->doc);
            *p = '\0';
            return NGX_ERROR;
        }

        if (im->name.len == sizeof("ngx_wasm_req_get_body") - 1
            && ngx_strncmp(im->name.data, "ngx_wasm_req_get_body",
                           im->name.len) == 0)
        {
            *reads_body = 1;
        }
    }

    has_memory = 0;

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];

        if (ex->name.len == 6 && ngx_strncmp(ex->name.data, "memory", 6) == 0
            && ex->kind == NGX_HTTP_WASM_KIND_MEMORY)
        {
            has_memory = 1;
        }
    }

    if (!has_memory) {
        p = ngx_slprintf(err, last, "does not export a memory named "
                         "\"memory\"");
        *p = '\0';
        return NGX_ERROR;
    }

    if (info->memory_pages > NGX_HTTP_WASM_MAX_PAGES) {
        p = ngx_slprintf(err, last, "needs %uD initial memory pages, more "
                         "than this host's limit of %d (16 MiB)",
                         info->memory_pages, NGX_HTTP_WASM_MAX_PAGES);
        *p = '\0';
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* the directive's export: a function of type () -> i32 */
ngx_int_t
ngx_http_wasm_check_export(ngx_http_wasm_info_t *info, ngx_str_t *name,
    u_char *err, size_t errlen)
{
    u_char                  *p, *last;
    ngx_uint_t               i;
    ngx_http_wasm_export_t  *ex;

    last = err + errlen - 1;

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];

        if (ex->name.len != name->len
            || ngx_strncmp(ex->name.data, name->data, name->len) != 0)
        {
            continue;
        }

        if (ex->kind != NGX_HTTP_WASM_KIND_FUNC) {
            p = ngx_slprintf(err, last, "export \"%V\" is %s, not a function "
                             "of type () -> i32", name,
                             ngx_http_wasm_kind_name(ex->kind));
            *p = '\0';
            return NGX_ERROR;
        }

        if (ex->index >= info->nfuncs
            || !ngx_http_wasm_type_is(info, info->func_types[ex->index], 0))
        {
            p = ngx_slprintf(err, last, "export \"%V\" must be a function of "
                             "type () -> i32, it is ", name);
            p = ngx_http_wasm_type_string(p, last, info,
                                          ex->index < info->nfuncs
                                          ? info->func_types[ex->index]
                                          : UINT32_MAX);
            *p = '\0';
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    p = ngx_slprintf(err, last, "has no export \"%V\"", name);
    *p = '\0';

    return NGX_ERROR;
}


ngx_uint_t
ngx_http_wasm_has_imports(ngx_http_wasm_info_t *info)
{
    return info->nimports > 0;
}

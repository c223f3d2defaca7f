/*
 * A tiny WebAssembly binary reader: just enough of the type, import,
 * function, memory and export sections to check a guest against the
 * ngx_wasm ABI at configuration time, with messages that name the file's
 * problem. Opcode-level features (SIMD, atomics, tail calls) are found by
 * wasm-validate when the guest is compiled (ngx_http_wasm_guest.c).
 *
 * It runs in the nginx master (nginx -t, reload) on any file it is given,
 * so it is safe on any input: every read is checked against the end of the
 * section it is in, every section against the end of the file (lengths are
 * compared with the bytes left, never added to a pointer first), sections
 * come in order and once, counts are bounded by the bytes left and by the
 * limits engines accept before anything is allocated for them, and the
 * code, data and custom sections are walked to their declared ends.
 * A malformed module gets one line naming the section, the problem and its
 * offset. nginx/module/fuzz/ runs this file under libFuzzer.
 */

#include "ngx_http_wasm_module.h"


#define NGX_HTTP_WASM_I32        0x7f
#define NGX_HTTP_WASM_I64        0x7e
#define NGX_HTTP_WASM_F32        0x7d
#define NGX_HTTP_WASM_F64        0x7c
#define NGX_HTTP_WASM_V128       0x7b
#define NGX_HTTP_WASM_FUNCREF    0x70
#define NGX_HTTP_WASM_EXTERNREF  0x6f

#define NGX_HTTP_WASM_KIND_FUNC    0
#define NGX_HTTP_WASM_KIND_TABLE   1
#define NGX_HTTP_WASM_KIND_MEMORY  2
#define NGX_HTTP_WASM_KIND_GLOBAL  3
#define NGX_HTTP_WASM_KIND_TAG     4

/* section ids */
#define NGX_HTTP_WASM_SEC_CUSTOM     0
#define NGX_HTTP_WASM_SEC_TYPE       1
#define NGX_HTTP_WASM_SEC_IMPORT     2
#define NGX_HTTP_WASM_SEC_FUNCTION   3
#define NGX_HTTP_WASM_SEC_MEMORY     5
#define NGX_HTTP_WASM_SEC_EXPORT     7
#define NGX_HTTP_WASM_SEC_CODE       10
#define NGX_HTTP_WASM_SEC_DATA       11
#define NGX_HTTP_WASM_SEC_DATACOUNT  12
#define NGX_HTTP_WASM_SEC_LAST       13   /* tag */

/* the limits of the WebAssembly JS API, which engines share */
#define NGX_HTTP_WASM_MAX_TYPES      1000000
#define NGX_HTTP_WASM_MAX_FUNCTIONS  1000000
#define NGX_HTTP_WASM_MAX_IMPORTS    100000
#define NGX_HTTP_WASM_MAX_EXPORTS    100000
#define NGX_HTTP_WASM_MAX_PARAMS     1000
#define NGX_HTTP_WASM_MAX_RESULTS    1000
#define NGX_HTTP_WASM_MAX_LOCALS     50000
#define NGX_HTTP_WASM_MAX_MEMORIES   100000
#define NGX_HTTP_WASM_MAX_SEGMENTS   100000

/* at most this many bytes of a name in a message, escaped */
#define NGX_HTTP_WASM_NAME_SHOWN     64
#define NGX_HTTP_WASM_NAME_BUF       (NGX_HTTP_WASM_NAME_SHOWN * 4 + 32)


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
    ngx_uint_t                ndefined;      /* the function section's */
    ngx_uint_t                nmemories;     /* imported + defined */
    ngx_uint_t                nexports;
    ngx_http_wasm_export_t   *exports;
    uint32_t                  memory_pages;  /* initial pages of memory 0 */
};


typedef struct {
    u_char         *start;         /* the file */
    u_char         *last;          /* its end */
    u_char         *pos;
    u_char         *end;           /* of the section being read, or last */
    const char     *section;       /* its name, NULL between sections */
    const char     *bound;         /* what end is: "file", "section", ... */
    u_char         *section_at;    /* its id byte */
    size_t          section_size;
    ngx_uint_t      datacount;     /* the data count section, if any */
    unsigned        has_datacount:1;
    unsigned        has_code:1;
    unsigned        has_data:1;
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
    ngx_uint_t      reads_body;
} ngx_http_wasm_abi_function_t;

#define NGX_HTTP_WASM_ABI_ENTRY(name, nparams, phases, area, reads_body)      \
    { ngx_string(#name), nparams, area, reads_body },

static ngx_http_wasm_abi_function_t  ngx_http_wasm_abi_functions[] = {
    NGX_WASM_FUNCTIONS(NGX_HTTP_WASM_ABI_ENTRY)
    { ngx_null_string, 0, 0, 0 }
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


/* section names by id, and the rank of each id in the required order */

static const char  *ngx_http_wasm_section_names[] = {
    "custom", "type", "import", "function", "table", "memory", "global",
    "export", "start", "element", "code", "data", "data count", "tag"
};

static const ngx_uint_t  ngx_http_wasm_section_rank[] = {
    0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6
};


/* a message that is not about the file's structure (SIMD, memory64, ...) */
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


/* the file breaks the binary format: the problem, where, in which section */
static void
ngx_http_wasm_malformed(ngx_http_wasm_reader_t *rd, u_char *at,
    const char *fmt, ...)
{
    va_list   args;
    u_char   *p, *last;

    if (rd->failed) {
        return;
    }

    rd->failed = 1;

    last = rd->err + rd->errlen - 1;

    p = ngx_slprintf(rd->err, last, "is not a valid WebAssembly module: ");

    va_start(args, fmt);
    p = ngx_vslprintf(p, last, fmt, args);
    va_end(args);

    p = ngx_slprintf(p, last, " (at offset %uz", (size_t) (at - rd->start));

    if (rd->section) {
        p = ngx_slprintf(p, last, ", in the %s section at offset %uz, of "
                         "%uz byte%s", rd->section,
                         (size_t) (rd->section_at - rd->start),
                         rd->section_size, rd->section_size == 1 ? "" : "s");
    }

    p = ngx_slprintf(p, last, ")");
    *p = '\0';
}


static void
ngx_http_wasm_truncated(ngx_http_wasm_reader_t *rd, u_char *at,
    const char *what)
{
    ngx_http_wasm_malformed(rd, at, "%s runs past the end of the %s", what,
                            rd->bound);
}


/*
 * A name for a message: at most NGX_HTTP_WASM_NAME_SHOWN bytes, control
 * characters, quotes and backslashes as \xNN, so that it stays one line.
 */
static u_char *
ngx_http_wasm_quote(u_char *buf, size_t size, ngx_str_t *name)
{
    u_char  *p, *last;
    size_t   i, n;

    last = buf + size - 1;

    n = ngx_min(name->len, NGX_HTTP_WASM_NAME_SHOWN);

    /* do not cut a UTF-8 sequence */
    while (n < name->len && n > 0 && (name->data[n] & 0xc0) == 0x80) {
        n--;
    }

    p = buf;

    for (i = 0; i < n; i++) {
        if (name->data[i] < 0x20 || name->data[i] == 0x7f
            || name->data[i] == '"' || name->data[i] == '\\')
        {
            p = ngx_slprintf(p, last, "\\x%02xd", name->data[i]);

        } else if (p < last) {
            *p++ = name->data[i];
        }
    }

    if (n < name->len) {
        p = ngx_slprintf(p, last, "...(%uz bytes)", name->len);
    }

    *p = '\0';

    return buf;
}


static ngx_uint_t
ngx_http_wasm_utf8_valid(u_char *p, size_t len)
{
    u_char    c;
    size_t    i, k, n;
    uint32_t  cp, min;

    i = 0;

    while (i < len) {
        c = p[i];

        if (c < 0x80) {
            i++;
            continue;
        }

        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
            min = 0x80;

        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
            min = 0x800;

        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;

        } else {
            return 0;
        }

        if (len - i - 1 < n) {
            return 0;
        }

        for (k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return 0;
            }

            cp = (cp << 6) | (p[i + k] & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }

        i += n + 1;
    }

    return 1;
}


static u_char
ngx_http_wasm_read_byte(ngx_http_wasm_reader_t *rd, const char *what)
{
    if (rd->failed) {
        return 0;
    }

    if (rd->pos >= rd->end) {
        ngx_http_wasm_truncated(rd, rd->pos, what);
        return 0;
    }

    return *rd->pos++;
}


/* an unsigned LEB128 of at most 5 bytes whose value fits in 32 bits */
static uint32_t
ngx_http_wasm_read_u32(ngx_http_wasm_reader_t *rd, const char *what)
{
    u_char      b, *at;
    uint32_t    v;
    ngx_uint_t  shift;

    if (rd->failed) {
        return 0;
    }

    at = rd->pos;
    v = 0;

    for (shift = 0; /* void */; shift += 7) {

        if (rd->pos >= rd->end) {
            ngx_http_wasm_truncated(rd, at, what);
            return 0;
        }

        b = *rd->pos++;

        if (shift == 28) {
            if (b & 0x80) {
                ngx_http_wasm_malformed(rd, at, "%s is an integer of more "
                                        "than 5 bytes", what);
                return 0;
            }

            if (b & 0x70) {
                ngx_http_wasm_malformed(rd, at, "%s does not fit in 32 bits",
                                        what);
                return 0;
            }
        }

        v |= (uint32_t) (b & 0x7f) << shift;

        if (!(b & 0x80)) {
            return v;
        }
    }
}


/* a signed LEB128 of `bits` bits (32 or 64), checked and skipped */
static void
ngx_http_wasm_skip_sleb(ngx_http_wasm_reader_t *rd, const char *what,
    ngx_uint_t bits)
{
    u_char      b, *at, unused, sign;
    ngx_uint_t  shift, used;

    if (rd->failed) {
        return;
    }

    at = rd->pos;

    for (shift = 0; /* void */; shift += 7) {

        if (rd->pos >= rd->end) {
            ngx_http_wasm_truncated(rd, at, what);
            return;
        }

        b = *rd->pos++;

        if (shift + 7 >= bits) {
            /* the last byte there may be: its unused bits extend the sign */
            used = bits - shift;
            unused = (u_char) (0x7f & ~((1u << used) - 1));
            sign = (u_char) (b & (1u << (used - 1)));

            if ((b & 0x80) || (b & unused) != (sign ? unused : 0)) {
                ngx_http_wasm_malformed(rd, at, "%s is not a signed %ui-bit "
                                        "integer", what, bits);
            }

            return;
        }

        if (!(b & 0x80)) {
            return;
        }
    }
}


static u_char *
ngx_http_wasm_read_bytes(ngx_http_wasm_reader_t *rd, size_t n,
    const char *what)
{
    u_char  *p;

    if (rd->failed) {
        return NULL;
    }

    /* compared with what is left: pos + n could overflow */
    if ((size_t) (rd->end - rd->pos) < n) {
        ngx_http_wasm_truncated(rd, rd->pos, what);
        return NULL;
    }

    p = rd->pos;
    rd->pos += n;

    return p;
}


static void
ngx_http_wasm_read_name(ngx_http_wasm_reader_t *rd, ngx_str_t *name,
    const char *what)
{
    u_char  *at;

    at = rd->pos;

    name->len = ngx_http_wasm_read_u32(rd, what);
    name->data = ngx_http_wasm_read_bytes(rd, name->len, what);

    if (!rd->failed && !ngx_http_wasm_utf8_valid(name->data, name->len)) {
        ngx_http_wasm_malformed(rd, at, "%s is not valid UTF-8", what);
    }

    if (rd->failed) {
        ngx_str_null(name);
    }
}


/*
 * A count of elements that take at least `size` bytes each: no more than
 * engines accept, nor than the rest of the section can hold, so that what
 * is allocated for them is bounded by the file's size.
 */
static uint32_t
ngx_http_wasm_read_count(ngx_http_wasm_reader_t *rd, const char *what,
    size_t size, uint32_t limit)
{
    u_char    *at;
    size_t     left;
    uint32_t   n;

    at = rd->pos;

    n = ngx_http_wasm_read_u32(rd, what);
    if (rd->failed) {
        return 0;
    }

    if (n > limit) {
        ngx_http_wasm_malformed(rd, at, "%s %uD is more than the %uD that "
                                "WebAssembly engines accept", what, n, limit);
        return 0;
    }

    left = rd->end - rd->pos;

    if (n > left / size) {
        ngx_http_wasm_malformed(rd, at, "%s %uD cannot fit in the %uz bytes "
                                "left", what, n, left);
        return 0;
    }

    return n;
}


/* value types: the SIMD one is refused, unknown ones are malformed */
static void
ngx_http_wasm_check_valtypes(ngx_http_wasm_reader_t *rd, u_char *types,
    uint32_t n)
{
    uint32_t  i;

    for (i = 0; i < n && !rd->failed; i++) {

        switch (types[i]) {

        case NGX_HTTP_WASM_I32:
        case NGX_HTTP_WASM_I64:
        case NGX_HTTP_WASM_F32:
        case NGX_HTTP_WASM_F64:
        case NGX_HTTP_WASM_FUNCREF:
        case NGX_HTTP_WASM_EXTERNREF:
            break;

        case NGX_HTTP_WASM_V128:
            ngx_http_wasm_fail(rd, "uses SIMD (v128) values, which this host "
                               "cannot compile");
            break;

        default:
            ngx_http_wasm_malformed(rd, &types[i], "unknown value type "
                                    "0x%02xd", types[i]);
        }
    }
}


static void
ngx_http_wasm_read_valtype(ngx_http_wasm_reader_t *rd, const char *what)
{
    u_char  *p;

    p = ngx_http_wasm_read_bytes(rd, 1, what);

    if (p) {
        ngx_http_wasm_check_valtypes(rd, p, 1);
    }
}


static void
ngx_http_wasm_read_limits(ngx_http_wasm_reader_t *rd, ngx_uint_t memory,
    uint32_t *min)
{
    u_char       flags, *at;
    const char  *what;

    what = memory ? "memory" : "table";
    at = rd->pos;

    flags = memory ? ngx_http_wasm_read_byte(rd, "a memory's limits")
                   : ngx_http_wasm_read_byte(rd, "a table's limits");
    if (rd->failed) {
        return;
    }

    if (flags > (memory ? 0x07 : 0x01)) {
        ngx_http_wasm_malformed(rd, at, "a %s's limits have unknown flags "
                                "0x%02xd", what, flags);
        return;
    }

    if (flags & 0x04) {
        ngx_http_wasm_fail(rd, "uses 64-bit memory (memory64), which this "
                           "host cannot compile");
        return;
    }

    if (flags & 0x02) {
        ngx_http_wasm_fail(rd, "uses threads (shared memory), which this host "
                           "cannot compile");
        return;
    }

    *min = ngx_http_wasm_read_u32(rd, memory ? "a memory's initial size"
                                             : "a table's initial size");

    if (flags & 0x01) {
        (void) ngx_http_wasm_read_u32(rd, memory ? "a memory's maximum size"
                                                 : "a table's maximum size");
    }
}


static void
ngx_http_wasm_read_types(ngx_http_wasm_reader_t *rd, ngx_http_wasm_info_t *info)
{
    u_char                *at, form;
    uint32_t               i, n;
    ngx_http_wasm_type_t  *t;

    n = ngx_http_wasm_read_count(rd, "the type count", 3,
                                 NGX_HTTP_WASM_MAX_TYPES);
    if (rd->failed) {
        return;
    }

    info->types = ngx_pcalloc(rd->pool,
                              ((size_t) n + 1) * sizeof(ngx_http_wasm_type_t));
    if (info->types == NULL) {
        ngx_http_wasm_fail(rd, "cannot be read: out of memory");
        return;
    }

    info->ntypes = n;

    for (i = 0; i < n && !rd->failed; i++) {
        t = &info->types[i];

        at = rd->pos;
        form = ngx_http_wasm_read_byte(rd, "a type");
        if (rd->failed) {
            return;
        }

        if (form != 0x60) {
            ngx_http_wasm_malformed(rd, at, "type %uD has form 0x%02xd, not "
                                    "0x60 (a function type)", i, form);
            return;
        }

        t->nparams = ngx_http_wasm_read_count(rd, "a type's parameter count",
                                              1, NGX_HTTP_WASM_MAX_PARAMS);
        t->params = ngx_http_wasm_read_bytes(rd, t->nparams,
                                             "a type's parameter list");
        if (rd->failed) {
            return;
        }

        ngx_http_wasm_check_valtypes(rd, t->params, t->nparams);

        t->nresults = ngx_http_wasm_read_count(rd, "a type's result count",
                                               1, NGX_HTTP_WASM_MAX_RESULTS);
        t->results = ngx_http_wasm_read_bytes(rd, t->nresults,
                                              "a type's result list");
        if (rd->failed) {
            return;
        }

        ngx_http_wasm_check_valtypes(rd, t->results, t->nresults);
    }
}


/* a type index, which must name a type of the type section */
static uint32_t
ngx_http_wasm_read_type_index(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info, const char *what)
{
    u_char    *at;
    uint32_t   type;

    at = rd->pos;

    type = ngx_http_wasm_read_u32(rd, what);

    if (!rd->failed && type >= info->ntypes) {
        ngx_http_wasm_malformed(rd, at, "%s is %uD, but the module has %ui "
                                "types", what, type, info->ntypes);
    }

    return type;
}


static void
ngx_http_wasm_read_imports(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    u_char                  *at, b;
    uint32_t                 i, n, min;
    ngx_http_wasm_import_t  *im;

    n = ngx_http_wasm_read_count(rd, "the import count", 4,
                                 NGX_HTTP_WASM_MAX_IMPORTS);
    if (rd->failed) {
        return;
    }

    info->imports = ngx_pcalloc(rd->pool, ((size_t) n + 1)
                                          * sizeof(ngx_http_wasm_import_t));
    if (info->imports == NULL) {
        ngx_http_wasm_fail(rd, "cannot be read: out of memory");
        return;
    }

    info->nimports = n;

    for (i = 0; i < n && !rd->failed; i++) {
        im = &info->imports[i];

        ngx_http_wasm_read_name(rd, &im->module, "an import's module name");
        ngx_http_wasm_read_name(rd, &im->name, "an import's name");

        at = rd->pos;
        im->kind = ngx_http_wasm_read_byte(rd, "an import's kind");
        if (rd->failed) {
            return;
        }

        switch (im->kind) {

        case NGX_HTTP_WASM_KIND_FUNC:
            im->type = ngx_http_wasm_read_type_index(rd, info,
                                           "an imported function's type index");
            info->nfuncs++;
            break;

        case NGX_HTTP_WASM_KIND_TABLE:
            at = rd->pos;
            b = ngx_http_wasm_read_byte(rd, "an imported table's type");
            if (!rd->failed && b != NGX_HTTP_WASM_FUNCREF
                && b != NGX_HTTP_WASM_EXTERNREF)
            {
                ngx_http_wasm_malformed(rd, at, "an imported table has "
                                        "unknown element type 0x%02xd", b);
                return;
            }

            ngx_http_wasm_read_limits(rd, 0, &min);
            break;

        case NGX_HTTP_WASM_KIND_MEMORY:
            min = 0;
            ngx_http_wasm_read_limits(rd, 1, &min);

            if (info->nmemories++ == 0) {
                info->memory_pages = min;
            }

            break;

        case NGX_HTTP_WASM_KIND_GLOBAL:
            ngx_http_wasm_read_valtype(rd, "an imported global's type");

            at = rd->pos;
            b = ngx_http_wasm_read_byte(rd, "an imported global's mutability");
            if (!rd->failed && b > 1) {
                ngx_http_wasm_malformed(rd, at, "an imported global's "
                                        "mutability is 0x%02xd, not 0 or 1",
                                        b);
            }

            break;

        case NGX_HTTP_WASM_KIND_TAG:
            at = rd->pos;
            b = ngx_http_wasm_read_byte(rd, "an imported tag's attribute");
            if (!rd->failed && b != 0) {
                ngx_http_wasm_malformed(rd, at, "an imported tag has "
                                        "attribute 0x%02xd, not 0", b);
                return;
            }

            im->type = ngx_http_wasm_read_type_index(rd, info,
                                              "an imported tag's type index");
            break;

        default:
            ngx_http_wasm_malformed(rd, at, "import %uD has unknown kind "
                                    "0x%02xd", i, (u_char) im->kind);
            return;
        }
    }
}


/* after the imports (the order of sections is checked): the index space */
static void
ngx_http_wasm_read_functions(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t   i, n, k;
    uint32_t  *types;

    n = ngx_http_wasm_read_count(rd, "the function count", 1,
                                 NGX_HTTP_WASM_MAX_FUNCTIONS);
    if (rd->failed) {
        return;
    }

    types = ngx_pcalloc(rd->pool, (info->nfuncs + n + 1) * sizeof(uint32_t));
    if (types == NULL) {
        ngx_http_wasm_fail(rd, "cannot be read: out of memory");
        return;
    }

    /* imported functions come first in the function index space */
    k = 0;
    for (i = 0; i < info->nimports && k < info->nfuncs; i++) {
        if (info->imports[i].kind == NGX_HTTP_WASM_KIND_FUNC) {
            types[k++] = info->imports[i].type;
        }
    }

    for (i = 0; i < n && !rd->failed; i++) {
        types[k++] = ngx_http_wasm_read_type_index(rd, info,
                                                   "a function's type index");
    }

    info->func_types = types;
    info->nfuncs = k;
    info->ndefined = n;
}


static void
ngx_http_wasm_read_memories(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    uint32_t  i, n, min;

    n = ngx_http_wasm_read_count(rd, "the memory count", 2,
                                 NGX_HTTP_WASM_MAX_MEMORIES);

    for (i = 0; i < n && !rd->failed; i++) {
        min = 0;
        ngx_http_wasm_read_limits(rd, 1, &min);

        if (info->nmemories++ == 0) {
            info->memory_pages = min;
        }
    }
}


static void
ngx_http_wasm_read_exports(ngx_http_wasm_reader_t *rd,
    ngx_http_wasm_info_t *info)
{
    u_char                  *at, name[NGX_HTTP_WASM_NAME_BUF];
    uint32_t                 i, n;
    ngx_http_wasm_export_t  *ex;

    n = ngx_http_wasm_read_count(rd, "the export count", 3,
                                 NGX_HTTP_WASM_MAX_EXPORTS);
    if (rd->failed) {
        return;
    }

    info->exports = ngx_pcalloc(rd->pool, ((size_t) n + 1)
                                          * sizeof(ngx_http_wasm_export_t));
    if (info->exports == NULL) {
        ngx_http_wasm_fail(rd, "cannot be read: out of memory");
        return;
    }

    info->nexports = n;

    for (i = 0; i < n && !rd->failed; i++) {
        ex = &info->exports[i];

        ngx_http_wasm_read_name(rd, &ex->name, "an export's name");

        at = rd->pos;
        ex->kind = ngx_http_wasm_read_byte(rd, "an export's kind");
        if (rd->failed) {
            return;
        }

        if (ex->kind > NGX_HTTP_WASM_KIND_TAG) {
            ngx_http_wasm_malformed(rd, at, "export \"%s\" has unknown kind "
                                    "0x%02xd",
                                    ngx_http_wasm_quote(name, sizeof(name),
                                                        &ex->name),
                                    (u_char) ex->kind);
            return;
        }

        at = rd->pos;
        ex->index = ngx_http_wasm_read_u32(rd, "an export's index");
        if (rd->failed) {
            return;
        }

        if (ex->kind == NGX_HTTP_WASM_KIND_FUNC && ex->index >= info->nfuncs) {
            ngx_http_wasm_malformed(rd, at, "export \"%s\" is function %uD, "
                                    "but the module has %ui functions",
                                    ngx_http_wasm_quote(name, sizeof(name),
                                                        &ex->name),
                                    ex->index, info->nfuncs);
            return;
        }

        if (ex->kind == NGX_HTTP_WASM_KIND_MEMORY
            && ex->index >= info->nmemories)
        {
            ngx_http_wasm_malformed(rd, at, "export \"%s\" is memory %uD, "
                                    "but the module has %ui memories",
                                    ngx_http_wasm_quote(name, sizeof(name),
                                                        &ex->name),
                                    ex->index, info->nmemories);
            return;
        }
    }
}


/* one function body: its locals, and the final end; instructions skipped */
static void
ngx_http_wasm_read_body(ngx_http_wasm_reader_t *rd, uint32_t index,
    u_char *body, size_t size)
{
    u_char    *at, *section_end;
    uint32_t   i, n, count, total;

    section_end = rd->end;
    rd->pos = body;
    rd->end = body + size;
    rd->bound = "function body";

    n = ngx_http_wasm_read_count(rd, "a function's local declaration count",
                                 2, NGX_HTTP_WASM_MAX_LOCALS);
    total = 0;

    for (i = 0; i < n && !rd->failed; i++) {
        at = rd->pos;
        count = ngx_http_wasm_read_u32(rd, "a function's local count");
        if (rd->failed) {
            break;
        }

        if (count > NGX_HTTP_WASM_MAX_LOCALS - total) {
            ngx_http_wasm_malformed(rd, at, "function body %uD declares more "
                                    "than the %d locals that WebAssembly "
                                    "engines accept", index,
                                    NGX_HTTP_WASM_MAX_LOCALS);
            break;
        }

        total += count;

        ngx_http_wasm_read_valtype(rd, "a local's type");
    }

    if (!rd->failed && (rd->pos == rd->end || body[size - 1] != 0x0b)) {
        ngx_http_wasm_malformed(rd, body, "function body %uD does not end "
                                "with the end instruction (0x0b)", index);
    }

    rd->pos = body + size;
    rd->end = section_end;
    rd->bound = "section";
}


static void
ngx_http_wasm_read_code(ngx_http_wasm_reader_t *rd, ngx_http_wasm_info_t *info)
{
    u_char    *at, *body;
    uint32_t   i, n, size;

    at = rd->pos;

    n = ngx_http_wasm_read_count(rd, "the function body count", 3,
                                 NGX_HTTP_WASM_MAX_FUNCTIONS);

    if (!rd->failed && n != info->ndefined) {
        ngx_http_wasm_malformed(rd, at, "the module has %uD function bodies "
                                "for %ui functions", n, info->ndefined);
        return;
    }

    for (i = 0; i < n && !rd->failed; i++) {
        size = ngx_http_wasm_read_u32(rd, "a function body's size");
        body = ngx_http_wasm_read_bytes(rd, size, "a function body");

        if (body) {
            ngx_http_wasm_read_body(rd, i, body, size);
        }
    }
}


/* a constant expression (a data segment's offset) up to its end */
static void
ngx_http_wasm_read_const_expr(ngx_http_wasm_reader_t *rd, const char *what)
{
    u_char  op, *at;

    while (!rd->failed) {
        at = rd->pos;
        op = ngx_http_wasm_read_byte(rd, what);
        if (rd->failed) {
            return;
        }

        switch (op) {

        case 0x0b:                     /* end */
            return;

        case 0x41:                     /* i32.const */
            ngx_http_wasm_skip_sleb(rd, what, 32);
            break;

        case 0x42:                     /* i64.const */
            ngx_http_wasm_skip_sleb(rd, what, 64);
            break;

        case 0x43:                     /* f32.const */
            (void) ngx_http_wasm_read_bytes(rd, 4, what);
            break;

        case 0x44:                     /* f64.const */
            (void) ngx_http_wasm_read_bytes(rd, 8, what);
            break;

        case 0x23:                     /* global.get */
        case 0xd2:                     /* ref.func */
            (void) ngx_http_wasm_read_u32(rd, what);
            break;

        case 0xd0:                     /* ref.null */
            (void) ngx_http_wasm_read_byte(rd, what);
            break;

        case 0x6a: case 0x6b: case 0x6c:   /* i32.add, sub, mul */
        case 0x7c: case 0x7d: case 0x7e:   /* i64.add, sub, mul */
            break;

        default:
            ngx_http_wasm_malformed(rd, at, "%s has the instruction 0x%02xd, "
                                    "which is not a constant instruction",
                                    what, op);
            return;
        }
    }
}


static void
ngx_http_wasm_read_data(ngx_http_wasm_reader_t *rd)
{
    u_char    *at;
    uint32_t   i, n, flags, size;

    at = rd->pos;

    n = ngx_http_wasm_read_count(rd, "the data segment count", 2,
                                 NGX_HTTP_WASM_MAX_SEGMENTS);

    if (!rd->failed && rd->has_datacount && n != rd->datacount) {
        ngx_http_wasm_malformed(rd, at, "the data section has %uD segments, "
                                "the data count section says %ui", n,
                                rd->datacount);
        return;
    }

    for (i = 0; i < n && !rd->failed; i++) {
        at = rd->pos;
        flags = ngx_http_wasm_read_u32(rd, "a data segment's flags");
        if (rd->failed) {
            return;
        }

        switch (flags) {

        case 0:                        /* active, memory 0 */
            ngx_http_wasm_read_const_expr(rd, "a data segment's offset");
            break;

        case 1:                        /* passive */
            break;

        case 2:                        /* active, memory index */
            (void) ngx_http_wasm_read_u32(rd, "a data segment's memory");
            ngx_http_wasm_read_const_expr(rd, "a data segment's offset");
            break;

        default:
            ngx_http_wasm_malformed(rd, at, "data segment %uD has unknown "
                                    "flags %uD", i, flags);
            return;
        }

        size = ngx_http_wasm_read_u32(rd, "a data segment's size");
        (void) ngx_http_wasm_read_bytes(rd, size, "a data segment's data");
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
    u_char                  id, *at, *end;
    uint32_t                i, k, size;
    ngx_str_t               name;
    ngx_uint_t              rank;
    const char             *previous;
    ngx_http_wasm_info_t   *info;
    ngx_http_wasm_reader_t  rd;

    static u_char  header[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };

    ngx_memzero(&rd, sizeof(ngx_http_wasm_reader_t));

    rd.start = wasm;
    rd.last = wasm + len;
    rd.pos = wasm;
    rd.end = rd.last;
    rd.bound = "file";
    rd.pool = pool;
    rd.err = err;
    rd.errlen = errlen;

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
        ngx_http_wasm_fail(&rd, "cannot be read: out of memory");
        return NULL;
    }

    rd.pos += 8;
    rank = 0;
    previous = NULL;

    while (rd.pos < rd.last && !rd.failed) {
        at = rd.pos;

        id = ngx_http_wasm_read_byte(&rd, "a section's id");
        size = ngx_http_wasm_read_u32(&rd, "a section's size");
        if (rd.failed) {
            break;
        }

        if (id > NGX_HTTP_WASM_SEC_LAST) {
            ngx_http_wasm_malformed(&rd, at, "unknown section id %d", id);
            break;
        }

        if (size > (size_t) (rd.last - rd.pos)) {
            ngx_http_wasm_malformed(&rd, at, "the %s section's size is %uD "
                                    "bytes, but only %uz bytes follow",
                                    ngx_http_wasm_section_names[id], size,
                                    (size_t) (rd.last - rd.pos));
            break;
        }

        if (id != NGX_HTTP_WASM_SEC_CUSTOM) {
            if (ngx_http_wasm_section_rank[id] <= rank) {
                ngx_http_wasm_malformed(&rd, at, "the %s section comes after "
                                        "the %s section (sections come in "
                                        "the order of the specification, "
                                        "each at most once)",
                                        ngx_http_wasm_section_names[id],
                                        previous);
                break;
            }

            rank = ngx_http_wasm_section_rank[id];
            previous = ngx_http_wasm_section_names[id];
        }

        end = rd.pos + size;

        rd.end = end;
        rd.section = ngx_http_wasm_section_names[id];
        rd.section_at = at;
        rd.section_size = size;
        rd.bound = "section";

        switch (id) {

        case NGX_HTTP_WASM_SEC_CUSTOM:
            ngx_http_wasm_read_name(&rd, &name, "the custom section's name");
            rd.pos = end;
            break;

        case NGX_HTTP_WASM_SEC_TYPE:
            ngx_http_wasm_read_types(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_IMPORT:
            ngx_http_wasm_read_imports(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_FUNCTION:
            ngx_http_wasm_read_functions(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_MEMORY:
            ngx_http_wasm_read_memories(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_EXPORT:
            ngx_http_wasm_read_exports(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_CODE:
            rd.has_code = 1;
            ngx_http_wasm_read_code(&rd, info);
            break;

        case NGX_HTTP_WASM_SEC_DATA:
            rd.has_data = 1;
            ngx_http_wasm_read_data(&rd);
            break;

        case NGX_HTTP_WASM_SEC_DATACOUNT:
            rd.has_datacount = 1;
            rd.datacount = ngx_http_wasm_read_u32(&rd, "the data count");
            break;

        default:
            /* table, global, start, element, tag: left to wasm-validate */
            rd.pos = end;
        }

        if (!rd.failed && rd.pos != end) {
            ngx_http_wasm_malformed(&rd, rd.pos, "the section is longer "
                                    "than its contents (%uz bytes left "
                                    "over)", (size_t) (end - rd.pos));
        }

        rd.pos = end;
        rd.end = rd.last;
        rd.section = NULL;
        rd.bound = "file";
    }

    if (rd.failed) {
        return NULL;
    }

    if (info->ndefined && !rd.has_code) {
        ngx_http_wasm_malformed(&rd, rd.last, "the module declares %ui "
                                "functions but has no code section",
                                info->ndefined);
        return NULL;
    }

    if (rd.has_datacount && rd.datacount && !rd.has_data) {
        ngx_http_wasm_malformed(&rd, rd.last, "the data count section says "
                                "%ui segments but there is no data section",
                                rd.datacount);
        return NULL;
    }

    if (info->func_types == NULL) {
        /* no function section: only imported functions */
        info->func_types = ngx_pcalloc(pool,
                                       (info->nfuncs + 1) * sizeof(uint32_t));
        if (info->func_types == NULL) {
            ngx_http_wasm_fail(&rd, "cannot be read: out of memory");
            return NULL;
        }

        k = 0;
        for (i = 0; i < info->nimports && k < info->nfuncs; i++) {
            if (info->imports[i].kind == NGX_HTTP_WASM_KIND_FUNC) {
                info->func_types[k++] = info->imports[i].type;
            }
        }
    }

    return info;
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
    for (i = 0; i < t->nparams && p < last; i++) {
        p = ngx_slprintf(p, last, "%s%s", i ? ", " : "",
                         ngx_http_wasm_valtype(t->params[i]));
    }
    p = ngx_slprintf(p, last, ") -> ");

    if (t->nresults == 1) {
        return ngx_slprintf(p, last, "%s",
                            ngx_http_wasm_valtype(t->results[0]));
    }

    p = ngx_slprintf(p, last, "(");
    for (i = 0; i < t->nresults && p < last; i++) {
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
    u_char                         module[NGX_HTTP_WASM_NAME_BUF];
    u_char                         name[NGX_HTTP_WASM_NAME_BUF];
    ngx_uint_t                     i, j, has_memory;
    ngx_http_wasm_import_t        *im;
    ngx_http_wasm_export_t        *ex;
    ngx_http_wasm_abi_function_t  *fn;
    ngx_http_wasm_abi_area_t      *area;

    last = err + errlen - 1;
    *reads_body = 0;

    for (i = 0; i < info->nimports; i++) {
        im = &info->imports[i];

        (void) ngx_http_wasm_quote(name, sizeof(name), &im->name);

        if (im->module.len != sizeof(NGX_WASM_IMPORT_MODULE) - 1
            || ngx_strncmp(im->module.data, NGX_WASM_IMPORT_MODULE,
                           im->module.len) != 0
            || im->kind != NGX_HTTP_WASM_KIND_FUNC)
        {
            p = ngx_slprintf(err, last, "imports %s.%s (%s), which is not "
                             "part of the ngx_wasm ABI v1",
                             ngx_http_wasm_quote(module, sizeof(module),
                                                 &im->module),
                             name, ngx_http_wasm_kind_name(im->kind));
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
            p = ngx_slprintf(err, last, "imports env.%s, which is not part of "
                             "the ngx_wasm ABI v1", name);
            *p = '\0';
            return NGX_ERROR;
        }

        if (!ngx_http_wasm_type_is(info, im->type, fn->nparams)) {
            p = ngx_slprintf(err, last, "imports env.%s with the wrong type: "
                             "env.%s must be (", name, name);
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

            p = ngx_slprintf(err, last, "imports env.%s (area \"%s\": %s), "
                             "which this host does not support yet; remove "
                             "the call or run the guest on a host that has it",
                             name, area->name, area->doc);
            *p = '\0';
            return NGX_ERROR;
        }

        if (fn->reads_body) {
            *reads_body = 1;
        }
    }

    has_memory = 0;

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];

        if (ex->name.len == sizeof(NGX_WASM_MEMORY_EXPORT) - 1
            && ngx_strncmp(ex->name.data, NGX_WASM_MEMORY_EXPORT,
                           ex->name.len) == 0
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
    u_char                  *p, *last, quoted[NGX_HTTP_WASM_NAME_BUF];
    ngx_uint_t               i, n;
    ngx_http_wasm_export_t  *ex;

    last = err + errlen - 1;

    (void) ngx_http_wasm_quote(quoted, sizeof(quoted), name);

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];

        if (ex->name.len != name->len
            || ngx_strncmp(ex->name.data, name->data, name->len) != 0)
        {
            continue;
        }

        if (ex->kind != NGX_HTTP_WASM_KIND_FUNC) {
            p = ngx_slprintf(err, last, "export \"%s\" is %s, not a function "
                             "of type () -> i32", quoted,
                             ngx_http_wasm_kind_name(ex->kind));
            *p = '\0';
            return NGX_ERROR;
        }

        if (ex->index >= info->nfuncs
            || !ngx_http_wasm_type_is(info, info->func_types[ex->index], 0))
        {
            p = ngx_slprintf(err, last, "export \"%s\" must be a function of "
                             "type () -> i32, it is ", quoted);
            p = ngx_http_wasm_type_string(p, last, info,
                                          ex->index < info->nfuncs
                                          ? info->func_types[ex->index]
                                          : UINT32_MAX);
            *p = '\0';
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    /* what it has instead: the handlers the directive could name */
    p = ngx_slprintf(err, last, "has no export \"%s\"; its handler exports "
                     "(functions () -> i32):", quoted);
    n = 0;

    for (i = 0; i < info->nexports; i++) {
        ex = &info->exports[i];

        if (ex->kind != NGX_HTTP_WASM_KIND_FUNC || ex->index >= info->nfuncs
            || !ngx_http_wasm_type_is(info, info->func_types[ex->index], 0))
        {
            continue;
        }

        (void) ngx_http_wasm_quote(quoted, sizeof(quoted), &ex->name);
        p = ngx_slprintf(p, last, "%s %s", n++ ? "," : "", quoted);
    }

    if (n == 0) {
        p = ngx_slprintf(p, last, " none");
    }

    *p = '\0';

    return NGX_ERROR;
}


ngx_uint_t
ngx_http_wasm_has_imports(ngx_http_wasm_info_t *info)
{
    return info->nimports > 0;
}


/*
 * The first import of a function of an ABI area (NGX_WASM_AREA_*), NULL when
 * none: for checks that depend on other directives (wasm_shm_zone)
 */
ngx_str_t *
ngx_http_wasm_import_of_area(ngx_http_wasm_info_t *info, ngx_uint_t area)
{
    ngx_uint_t                     i;
    ngx_http_wasm_import_t        *im;
    ngx_http_wasm_abi_function_t  *fn;

    for (i = 0; i < info->nimports; i++) {
        im = &info->imports[i];

        for (fn = ngx_http_wasm_abi_functions; fn->name.len; fn++) {
            if (fn->area == area
                && fn->name.len == im->name.len
                && ngx_strncmp(fn->name.data, im->name.data, im->name.len)
                   == 0)
            {
                return &im->name;
            }
        }
    }

    return NULL;
}

/*
 * Metrics: the declarations (wasm_metrics_zone, wasm_counter, wasm_gauge),
 * their shared zone, the wasm_metrics content handler (Prometheus text
 * format 0.0.4) and the host functions ngx_wasm_metric_counter_inc,
 * ngx_wasm_metric_gauge_set and ngx_wasm_metric_gauge_add.
 *
 * A declared name is a series: NAME or NAME{label="value",...}, written
 * exactly as the text format shows it (no spaces); the guest passes the same
 * bytes. Series of one NAME form one family: one # HELP and # TYPE block.
 *
 * The zone keeps one node per series (kind + name) in an rbtree: a value is
 * an ngx_atomic_t that every worker changes in place, so it is the sum over
 * the workers. Nodes are never freed: a reload that keeps the zone (same
 * name and size) finds the values of the series it still declares, and the
 * old workers, finishing their requests, keep adding to the same values.
 * At request time a name is found through an open-addressing table of the
 * declared series, built at configuration time and inherited by workers.
 */

#include "ngx_http_wasm_module.h"
#include "ngx_http_wasm_metrics.h"


#define NGX_HTTP_WASM_COUNTER  0
#define NGX_HTTP_WASM_GAUGE    1


typedef struct {
    ngx_str_t                    name;
    ngx_str_t                    value;      /* as written: escapes kept */
} ngx_http_wasm_label_t;


/* one declared series */
typedef struct {
    ngx_str_t                    name;       /* as declared */
    ngx_str_t                    key;        /* kind letter + name (zone) */
    ngx_uint_t                   kind;
    ngx_uint_t                   family;     /* index of its family */
    ngx_array_t                  labels;     /* ngx_http_wasm_label_t */
    ngx_atomic_t                *value;      /* in the zone, once set up */
} ngx_http_wasm_metric_t;


typedef struct {
    ngx_str_t                    name;
    ngx_uint_t                   kind;
    ngx_str_t                    help;       /* given, or empty */
    ngx_str_t                    help_line;  /* escaped for # HELP */
    ngx_uint_t                   nseries;
} ngx_http_wasm_metric_family_t;


/* the zone: an rbtree of ngx_http_wasm_metric_node_t */
typedef struct {
    ngx_rbtree_t                 rbtree;
    ngx_rbtree_node_t            sentinel;
} ngx_http_wasm_metrics_sh_t;


typedef struct {
    ngx_str_node_t               sn;         /* str: the series' key */
    ngx_atomic_t                 value;
    u_char                       data[1];
} ngx_http_wasm_metric_node_t;


struct ngx_http_wasm_metrics_s {
    ngx_shm_zone_t              *zone;
    ngx_str_t                    zone_size;  /* as written */
    ngx_str_t                    zone_file;
    ngx_uint_t                   zone_line;
    ngx_http_wasm_metrics_sh_t  *sh;

    ngx_array_t                  metrics;    /* ngx_http_wasm_metric_t */
    ngx_array_t                  families;   /* ngx_http_wasm_metric_family_t */
    ngx_uint_t                  *order;      /* metrics, family by family */
    ngx_uint_t                  *table;      /* 1 + metric index; 0: free */
    ngx_uint_t                   mask;

    /* the first declaration or wasm_metrics, for "needs a zone" */
    ngx_str_t                    first;
    ngx_str_t                    first_file;
    ngx_uint_t                   first_line;
};


static ngx_int_t ngx_http_wasm_metrics_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_wasm_metrics_handler(ngx_http_request_t *r);


/* the zone's tag: its own, so a zone name shared with another use is named */
static u_char  ngx_http_wasm_metrics_tag;

static ngx_str_t  ngx_http_wasm_metric_kinds[] = {
    ngx_string("counter"),
    ngx_string("gauge")
};

static ngx_str_t  ngx_http_wasm_metric_directives[] = {
    ngx_string("wasm_counter"),
    ngx_string("wasm_gauge")
};


static ngx_http_wasm_metrics_t *
ngx_http_wasm_metrics_get(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf,
    ngx_str_t *first)
{
    ngx_http_wasm_metrics_t  *m;

    m = wmcf->metrics;

    if (m == NULL) {
        m = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_metrics_t));
        if (m == NULL) {
            return NULL;
        }

        if (ngx_array_init(&m->metrics, cf->pool, 8,
                           sizeof(ngx_http_wasm_metric_t))
            != NGX_OK
            || ngx_array_init(&m->families, cf->pool, 8,
                              sizeof(ngx_http_wasm_metric_family_t))
               != NGX_OK)
        {
            return NULL;
        }

        wmcf->metrics = m;
    }

    if (first && m->first.len == 0) {
        m->first = *first;
        m->first_file = cf->conf_file->file.name;
        m->first_line = cf->conf_file->line;
    }

    return m;
}


/* wasm_metrics_zone NAME SIZE; */
char *
ngx_http_wasm_metrics_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    ssize_t                   size;
    ngx_str_t                *value;
    ngx_http_wasm_metrics_t  *m;

    value = cf->args->elts;

    m = ngx_http_wasm_metrics_get(cf, wmcf, NULL);
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    if (m->zone) {
        return "is duplicate";
    }

    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V needs a zone name", &cmd->name);
        return NGX_CONF_ERROR;
    }

    size = ngx_parse_size(&value[2]);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V \"%V\": invalid size \"%V\"",
                           &cmd->name, &value[1], &value[2]);
        return NGX_CONF_ERROR;
    }

    m->zone = ngx_shared_memory_add(cf, &value[1], size,
                                    &ngx_http_wasm_metrics_tag);
    if (m->zone == NULL) {
        return NGX_CONF_ERROR;
    }

    m->zone->init = ngx_http_wasm_metrics_init_zone;
    m->zone->data = m;
    m->zone_size = value[2];
    m->zone_file = cf->conf_file->file.name;
    m->zone_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* wasm_metrics; */
char *
ngx_http_wasm_metrics_serve(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (ngx_http_wasm_metrics_get(cf, wmcf, &cmd->name) == NULL) {
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_wasm_metrics_handler;

    return NGX_CONF_OK;
}


static ngx_uint_t
ngx_http_wasm_metric_name_valid(ngx_str_t *name, ngx_uint_t label)
{
    u_char      c;
    ngx_uint_t  i;

    if (name->len == 0) {
        return 0;
    }

    if (label && name->len >= 2 && name->data[0] == '_'
        && name->data[1] == '_')
    {
        return 0;
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
            || (c == ':' && !label) || (c >= '0' && c <= '9' && i > 0))
        {
            continue;
        }

        return 0;
    }

    return 1;
}


/* strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF */
static ngx_uint_t
ngx_http_wasm_utf8_valid(u_char *p, size_t len)
{
    u_char      *end;
    uint32_t     c, min;
    ngx_uint_t   n;

    end = p + len;

    while (p < end) {
        c = *p++;

        if (c < 0x80) {
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            c &= 0x1f;
            min = 0x80;

        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            c &= 0x0f;
            min = 0x800;

        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            c &= 0x07;
            min = 0x10000;

        } else {
            return 0;
        }

        if ((size_t) (end - p) < n) {
            return 0;
        }

        while (n--) {
            if ((*p & 0xc0) != 0x80) {
                return 0;
            }

            c = (c << 6) | (*p++ & 0x3f);
        }

        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            return 0;
        }
    }

    return 1;
}


/*
 * NAME or NAME{label="value",...} into the family name and the labels
 * (pointing into the declared text). The checks, their order and their
 * messages are those of host/metrics.ts (parseSeries).
 */
static ngx_int_t
ngx_http_wasm_metric_parse(ngx_conf_t *cf, ngx_str_t *directive,
    ngx_str_t *series, ngx_str_t *family, ngx_array_t *labels)
{
    u_char                 *p, *end, *start;
    ngx_str_t               name, value;
    ngx_uint_t              i;
    ngx_http_wasm_label_t  *label;

    p = series->data;
    end = p + series->len;

    while (p < end && *p != '{') {
        p++;
    }

    family->data = series->data;
    family->len = p - series->data;

    if (!ngx_http_wasm_metric_name_valid(family, 0)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V \"%V\": \"%V\" is not a valid metric name "
                           "([a-zA-Z_:][a-zA-Z0-9_:]*)",
                           directive, series, family);
        return NGX_ERROR;
    }

    if (p == end) {
        return NGX_OK;
    }

    p++;

    if (end - p == 1 && *p == '}') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V \"%V\": the label set is empty: write \"%V\"",
                           directive, series, family);
        return NGX_ERROR;
    }

    for ( ;; ) {

        start = p;

        while (p < end && *p != '=' && *p != '"' && *p != ',' && *p != '{'
               && *p != '}' && *p != ' ')
        {
            p++;
        }

        if (p == start || p == end || *p != '=') {
            goto syntax;
        }

        name.data = start;
        name.len = p - start;

        if (!ngx_http_wasm_metric_name_valid(&name, 1)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": \"%V\" is not a valid label name "
                               "([a-zA-Z_][a-zA-Z0-9_]*, not starting "
                               "with __)",
                               directive, series, &name);
            return NGX_ERROR;
        }

        p++;

        if (p == end || *p != '"') {
            goto syntax;
        }

        start = ++p;

        for ( ;; ) {

            if (p == end) {
                goto syntax;
            }

            if (*p == '"') {
                break;
            }

            if (*p == '\n') {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "%V \"%V\": the value of label \"%V\" "
                                   "has a line break (write it as \\n)",
                                   directive, series, &name);
                return NGX_ERROR;
            }

            if (*p == '\\') {
                if (end - p < 2
                    || (p[1] != '\\' && p[1] != '"' && p[1] != 'n'))
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "%V \"%V\": the value of label "
                                       "\"%V\" has an escape other than "
                                       "\\\\, \\\" and \\n",
                                       directive, series, &name);
                    return NGX_ERROR;
                }

                p += 2;
                continue;
            }

            p++;
        }

        value.data = start;
        value.len = p - start;

        if (!ngx_http_wasm_utf8_valid(value.data, value.len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": the value of label \"%V\" is not "
                               "valid UTF-8",
                               directive, series, &name);
            return NGX_ERROR;
        }

        p++;

        label = labels->elts;

        for (i = 0; i < labels->nelts; i++) {
            if (label[i].name.len == name.len
                && ngx_strncmp(label[i].name.data, name.data, name.len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "%V \"%V\": label \"%V\" is repeated",
                                   directive, series, &name);
                return NGX_ERROR;
            }
        }

        label = ngx_array_push(labels);
        if (label == NULL) {
            return NGX_ERROR;
        }

        label->name = name;
        label->value = value;

        if (p == end) {
            goto syntax;
        }

        if (*p == '}') {
            if (p + 1 != end) {
                goto syntax;
            }

            return NGX_OK;
        }

        if (*p != ',') {
            goto syntax;
        }

        p++;
    }

syntax:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "%V \"%V\": labels are written "
                       "{name=\"value\",...}, without spaces",
                       directive, series);
    return NGX_ERROR;
}


/* the same label set, in any order */
static ngx_uint_t
ngx_http_wasm_same_labels(ngx_array_t *a, ngx_array_t *b)
{
    ngx_uint_t              i, j;
    ngx_http_wasm_label_t  *la, *lb;

    if (a->nelts != b->nelts) {
        return 0;
    }

    la = a->elts;
    lb = b->elts;

    for (i = 0; i < a->nelts; i++) {

        for (j = 0; j < b->nelts; j++) {
            if (la[i].name.len == lb[j].name.len
                && la[i].value.len == lb[j].value.len
                && ngx_strncmp(la[i].name.data, lb[j].name.data,
                               la[i].name.len) == 0
                && ngx_strncmp(la[i].value.data, lb[j].value.data,
                               la[i].value.len) == 0)
            {
                break;
            }
        }

        if (j == b->nelts) {
            return 0;
        }
    }

    return 1;
}


/* "\" and line breaks escaped, as # HELP wants them */
static ngx_int_t
ngx_http_wasm_metric_help_line(ngx_conf_t *cf, ngx_str_t *help,
    ngx_str_t *line)
{
    u_char      *p;
    ngx_uint_t   i;

    p = ngx_pnalloc(cf->pool, 2 * help->len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    line->data = p;

    for (i = 0; i < help->len; i++) {

        if (help->data[i] == '\\') {
            *p++ = '\\';
            *p++ = '\\';

        } else if (help->data[i] == '\n') {
            *p++ = '\\';
            *p++ = 'n';

        } else {
            *p++ = help->data[i];
        }
    }

    line->len = p - line->data;

    return NGX_OK;
}


/* wasm_counter NAME [HELP]; wasm_gauge NAME [HELP]; */
char *
ngx_http_wasm_metric_declare(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_wasm_main_conf_t *wmcf = conf;

    u_char                         *p;
    ngx_str_t                      *value, family, *help, first;
    ngx_uint_t                      i, kind;
    ngx_http_wasm_metric_t         *metric, *other;
    ngx_http_wasm_metrics_t        *m;
    ngx_http_wasm_metric_family_t  *f;

    value = cf->args->elts;
    kind = cmd->offset;
    help = cf->args->nelts > 2 ? &value[2] : NULL;

    first.len = cmd->name.len + value[1].len + 3;
    first.data = ngx_pnalloc(cf->pool, first.len);
    if (first.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(first.data, "%V \"%V\"", &cmd->name, &value[1]);

    m = ngx_http_wasm_metrics_get(cf, wmcf, &first);
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    metric = ngx_array_push(&m->metrics);
    if (metric == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(metric, sizeof(ngx_http_wasm_metric_t));

    if (ngx_array_init(&metric->labels, cf->pool, 2,
                       sizeof(ngx_http_wasm_label_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    metric->name = value[1];
    metric->kind = kind;

    if (ngx_http_wasm_metric_parse(cf, &cmd->name, &value[1], &family,
                                   &metric->labels)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    f = m->families.elts;

    for (i = 0; i < m->families.nelts; i++) {
        if (f[i].name.len == family.len
            && ngx_strncmp(f[i].name.data, family.data, family.len) == 0)
        {
            break;
        }
    }

    if (i < m->families.nelts && f[i].kind != kind) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V \"%V\": \"%V\" is already a %V (%V)",
                           &cmd->name, &value[1], &family,
                           &ngx_http_wasm_metric_kinds[f[i].kind],
                           &ngx_http_wasm_metric_directives[f[i].kind]);
        return NGX_CONF_ERROR;
    }

    metric->family = i;
    other = m->metrics.elts;

    for (i = 0; i + 1 < m->metrics.nelts; i++) {
        if (other[i].family == metric->family
            && ngx_http_wasm_same_labels(&other[i].labels, &metric->labels))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": the same series as \"%V\", "
                               "declared before",
                               &cmd->name, &value[1], &other[i].name);
            return NGX_CONF_ERROR;
        }
    }

    if (help) {
        if (help->len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": the help text is empty",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }

        if (!ngx_http_wasm_utf8_valid(help->data, help->len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": the help text is not valid UTF-8",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (metric->family == m->families.nelts) {
        f = ngx_array_push(&m->families);
        if (f == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(f, sizeof(ngx_http_wasm_metric_family_t));
        f->name = family;
        f->kind = kind;

    } else {
        f = &f[metric->family];

        if (help && f->help.len
            && (f->help.len != help->len
                || ngx_strncmp(f->help.data, help->data, help->len) != 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": the help text differs from the "
                               "one given before for \"%V\" (\"%V\")",
                               &cmd->name, &value[1], &family, &f->help);
            return NGX_CONF_ERROR;
        }
    }

    if (help && f->help.len == 0) {
        f->help = *help;

        if (ngx_http_wasm_metric_help_line(cf, help, &f->help_line)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    f->nseries++;

    /* the zone's key: a kind letter, then the name */
    p = ngx_pnalloc(cf->pool, value[1].len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    metric->key.data = p;
    metric->key.len = value[1].len + 1;
    *p = (u_char) (kind == NGX_HTTP_WASM_COUNTER ? 'c' : 'g');
    ngx_memcpy(p + 1, value[1].data, value[1].len);

    return NGX_CONF_OK;
}


/* the shift of a slab allocation of `size` (ngx_slab_alloc_locked) */
static ngx_uint_t
ngx_http_wasm_slab_shift(size_t size)
{
    ngx_uint_t  shift;

    for (shift = 3; ((size_t) 1 << shift) < size; shift++) {
        /* void */
    }

    return shift;
}


/* pages a fresh slab pool of `size` bytes has (ngx_slab_init) */
static ngx_uint_t
ngx_http_wasm_slab_pages(size_t size)
{
    size_t      head, start;
    ngx_uint_t  pages;

    head = sizeof(ngx_slab_pool_t)
           + (ngx_pagesize_shift - 3)
             * (sizeof(ngx_slab_page_t) + sizeof(ngx_slab_stat_t));

    if (size <= head) {
        return 0;
    }

    pages = (size - head) / (ngx_pagesize + sizeof(ngx_slab_page_t));
    start = ngx_align(head + pages * sizeof(ngx_slab_page_t), ngx_pagesize);

    if (start >= size) {
        return 0;
    }

    return ngx_min(pages, (size - start) / ngx_pagesize);
}


/*
 * The smallest zone that holds these metrics when it is fresh: the slab
 * pages of every allocation ngx_http_wasm_metrics_init_zone() makes, and
 * the 8 pages nginx's own zones require at least.
 */
static size_t
ngx_http_wasm_metrics_zone_min(ngx_http_wasm_metrics_t *m)
{
    size_t                   size, min;
    ngx_uint_t               i, shift, exact_shift, per, pages, n;
    ngx_uint_t               count[64];
    ngx_http_wasm_metric_t  *metric;

    ngx_memzero(count, sizeof(count));
    pages = 0;

    metric = m->metrics.elts;

    for (i = 0; i < m->metrics.nelts + 2; i++) {

        if (i < m->metrics.nelts) {
            size = offsetof(ngx_http_wasm_metric_node_t, data)
                   + metric[i].key.len;

        } else if (i == m->metrics.nelts) {
            size = sizeof(ngx_http_wasm_metrics_sh_t);

        } else {
            size = sizeof(" in wasm_metrics_zone \"\"")
                   + m->zone->shm.name.len;
        }

        if (size > ngx_pagesize / 2) {
            pages += (size + ngx_pagesize - 1) >> ngx_pagesize_shift;
            continue;
        }

        count[ngx_http_wasm_slab_shift(size)]++;
    }

    exact_shift = ngx_http_wasm_slab_shift(ngx_pagesize
                                           / (8 * sizeof(uintptr_t)));

    for (shift = 3; shift < ngx_pagesize_shift; shift++) {

        if (count[shift] == 0) {
            continue;
        }

        per = ngx_pagesize >> shift;

        if (shift < exact_shift) {
            /* the page's own bitmap takes slots */
            n = (ngx_pagesize >> shift) / (((size_t) 1 << shift) * 8);
            per -= n ? n : 1;
        }

        pages += (count[shift] + per - 1) / per;
    }

    for (min = 8 * ngx_pagesize;
         ngx_http_wasm_slab_pages(min) < pages;
         min += ngx_pagesize)
    {
        /* void */
    }

    return min;
}


/* after the http block: the zone, its size, the lookup table */
ngx_int_t
ngx_http_wasm_metrics_init(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf)
{
    size_t                          min;
    ngx_uint_t                      i, n, size, *start;
    ngx_http_wasm_metric_t         *metric;
    ngx_http_wasm_metrics_t        *m;
    ngx_http_wasm_metric_family_t  *f;

    static ngx_str_t  help_counter = ngx_string("declared by wasm_counter");
    static ngx_str_t  help_gauge = ngx_string("declared by wasm_gauge");

    m = wmcf->metrics;

    if (m == NULL) {
        return NGX_OK;
    }

    if (m->zone == NULL) {
        if (m->first.len == 0) {
            return NGX_OK;
        }

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "%V needs a wasm_metrics_zone "
                      "(wasm_metrics_zone NAME SIZE; in the http block) "
                      "in %V:%ui",
                      &m->first, &m->first_file, m->first_line);
        return NGX_ERROR;
    }

    min = ngx_http_wasm_metrics_zone_min(m);

    if (m->zone->shm.size < min) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "wasm_metrics_zone \"%V\" %V is too small: it needs "
                      "at least %uzk (for %ui series) in %V:%ui",
                      &m->zone->shm.name, &m->zone_size, min / 1024,
                      m->metrics.nelts, &m->zone_file, m->zone_line);
        return NGX_ERROR;
    }

    n = m->metrics.nelts;
    metric = m->metrics.elts;
    f = m->families.elts;

    for (i = 0; i < m->families.nelts; i++) {
        if (f[i].help.len == 0) {
            f[i].help_line = f[i].kind == NGX_HTTP_WASM_COUNTER
                             ? help_counter : help_gauge;
        }
    }

    /* the exposition order: family by family, each in declaration order */

    m->order = ngx_palloc(cf->pool, (n + 1) * sizeof(ngx_uint_t));
    start = ngx_pcalloc(cf->pool,
                        (m->families.nelts + 1) * sizeof(ngx_uint_t));

    if (m->order == NULL || start == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < m->families.nelts; i++) {
        start[i + 1] = start[i] + f[i].nseries;
    }

    for (i = 0; i < n; i++) {
        m->order[start[metric[i].family]++] = i;
    }

    /* open addressing, at most half full */

    for (size = 2; size < 2 * n; size <<= 1) {
        /* void */
    }

    m->table = ngx_pcalloc(cf->pool, size * sizeof(ngx_uint_t));
    if (m->table == NULL) {
        return NGX_ERROR;
    }

    m->mask = size - 1;

    for (i = 0; i < n; i++) {
        size = ngx_hash_key(metric[i].name.data, metric[i].name.len)
               & m->mask;

        while (m->table[size]) {
            size = (size + 1) & m->mask;
        }

        m->table[size] = i + 1;
    }

    return NGX_OK;
}


/*
 * The zone: its rbtree, and a node per declared series, found again when
 * the zone is kept across a reload (data: the previous configuration's).
 */
static ngx_int_t
ngx_http_wasm_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_wasm_metrics_t *om = data;

    size_t                        len;
    uint32_t                      hash;
    ngx_uint_t                    i;
    ngx_slab_pool_t              *shpool;
    ngx_str_node_t               *sn;
    ngx_http_wasm_metric_t       *metric;
    ngx_http_wasm_metrics_t      *m;
    ngx_http_wasm_metric_node_t  *node;

    m = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (om) {
        m->sh = om->sh;

    } else if (shm_zone->shm.exists) {
        m->sh = shpool->data;

    } else {
        m->sh = ngx_slab_alloc(shpool, sizeof(ngx_http_wasm_metrics_sh_t));
        if (m->sh == NULL) {
            return NGX_ERROR;
        }

        ngx_rbtree_init(&m->sh->rbtree, &m->sh->sentinel,
                        ngx_str_rbtree_insert_value);

        shpool->data = m->sh;

        len = sizeof(" in wasm_metrics_zone \"\"") + shm_zone->shm.name.len;

        shpool->log_ctx = ngx_slab_alloc(shpool, len);
        if (shpool->log_ctx == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(shpool->log_ctx, " in wasm_metrics_zone \"%V\"%Z",
                    &shm_zone->shm.name);

        /* a full zone is reported below, with advice */
        shpool->log_nomem = 0;
    }

    metric = m->metrics.elts;

    for (i = 0; i < m->metrics.nelts; i++) {
        hash = ngx_crc32_short(metric[i].key.data, metric[i].key.len);

        sn = ngx_str_rbtree_lookup(&m->sh->rbtree, &metric[i].key, hash);

        if (sn) {
            node = (ngx_http_wasm_metric_node_t *) sn;
            metric[i].value = &node->value;
            continue;
        }

        node = ngx_slab_alloc(shpool,
                              offsetof(ngx_http_wasm_metric_node_t, data)
                              + metric[i].key.len);
        if (node == NULL) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "wasm_metrics_zone \"%V\" is full: it keeps the "
                          "series of earlier configurations until nginx "
                          "restarts; give it another size (a fresh zone) "
                          "or restart nginx",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

        ngx_memcpy(node->data, metric[i].key.data, metric[i].key.len);
        node->sn.str.data = node->data;
        node->sn.str.len = metric[i].key.len;
        node->sn.node.key = hash;
        node->value = 0;

        ngx_rbtree_insert(&m->sh->rbtree, &node->sn.node);

        metric[i].value = &node->value;
    }

    return NGX_OK;
}


/* GET/HEAD: every series in Prometheus text format 0.0.4 */
static ngx_int_t
ngx_http_wasm_metrics_handler(ngx_http_request_t *r)
{
    size_t                          len;
    ngx_int_t                       rc;
    ngx_buf_t                      *b;
    ngx_uint_t                      i, j, k;
    ngx_chain_t                     out;
    ngx_http_wasm_metric_t         *metric;
    ngx_http_wasm_metrics_t        *m;
    ngx_http_wasm_main_conf_t      *wmcf;
    ngx_http_wasm_metric_family_t  *f;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    wmcf = ngx_http_get_module_main_conf(r, ngx_http_wasm_module);
    m = wmcf->metrics;

    metric = m->metrics.elts;
    f = m->families.elts;
    len = 0;

    for (i = 0; i < m->families.nelts; i++) {
        len += sizeof("# HELP  \n# TYPE  counter\n") - 1
               + 2 * f[i].name.len + f[i].help_line.len;
    }

    for (i = 0; i < m->metrics.nelts; i++) {
        len += metric[i].name.len + sizeof(" \n") - 1 + NGX_INT64_LEN;
    }

    r->headers_out.content_type_len = sizeof("text/plain") - 1;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_lowcase = NULL;

    if (len) {
        b = ngx_create_temp_buf(r->pool, len);

    } else {
        b = ngx_calloc_buf(r->pool);
    }

    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    out.buf = b;
    out.next = NULL;

    for (i = 0, k = 0; i < m->families.nelts; i++) {

        b->last = ngx_sprintf(b->last, "# HELP %V %V\n# TYPE %V %V\n",
                              &f[i].name, &f[i].help_line, &f[i].name,
                              &ngx_http_wasm_metric_kinds[f[i].kind]);

        for (j = 0; j < f[i].nseries; j++, k++) {
            metric = m->metrics.elts;
            metric = &metric[m->order[k]];

            b->last = ngx_sprintf(b->last, "%V %L\n", &metric->name,
                                  ngx_http_wasm_metric_value(metric->value));
        }
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, &out);
}


/* the declared series `name` of this kind, or NULL */
static ngx_http_wasm_metric_t *
ngx_http_wasm_metric_find(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, ngx_uint_t kind)
{
    ngx_uint_t                  i, slot;
    ngx_http_wasm_metric_t     *metric;
    ngx_http_wasm_metrics_t    *m;
    ngx_http_wasm_main_conf_t  *wmcf;

    wmcf = ngx_http_get_module_main_conf(wi->request, ngx_http_wasm_module);
    m = wmcf->metrics;

    if (m == NULL || m->table == NULL) {
        return NULL;
    }

    metric = m->metrics.elts;

    for (i = ngx_hash_key(name, name_len) & m->mask;
         m->table[i];
         i = (i + 1) & m->mask)
    {
        slot = m->table[i] - 1;

        if (metric[slot].name.len == name_len
            && ngx_memcmp(metric[slot].name.data, name, name_len) == 0)
        {
            return metric[slot].kind == kind ? &metric[slot] : NULL;
        }
    }

    return NULL;
}


int32_t
ngx_http_wasm_metric_counter_inc(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, int32_t delta)
{
    ngx_http_wasm_metric_t  *metric;

    metric = ngx_http_wasm_metric_find(wi, name, name_len,
                                       NGX_HTTP_WASM_COUNTER);

    if (metric == NULL || delta < 0) {
        return NGX_WASM_ERROR;
    }

    ngx_http_wasm_metric_value_add(metric->value, delta);

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_metric_gauge_set(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, int32_t value)
{
    ngx_http_wasm_metric_t  *metric;

    metric = ngx_http_wasm_metric_find(wi, name, name_len,
                                       NGX_HTTP_WASM_GAUGE);

    if (metric == NULL) {
        return NGX_WASM_ERROR;
    }

    ngx_http_wasm_metric_value_set(metric->value, value);

    return NGX_WASM_OK;
}


int32_t
ngx_http_wasm_metric_gauge_add(ngx_http_wasm_instance_t *wi, u_char *name,
    size_t name_len, int32_t delta)
{
    ngx_http_wasm_metric_t  *metric;

    metric = ngx_http_wasm_metric_find(wi, name, name_len,
                                       NGX_HTTP_WASM_GAUGE);

    if (metric == NULL) {
        return NGX_WASM_ERROR;
    }

    ngx_http_wasm_metric_value_add(metric->value, delta);

    return NGX_WASM_OK;
}

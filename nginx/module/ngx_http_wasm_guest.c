/*
 * Guests: load a .wasm file at configuration time (in the master, so that
 * `nginx -t` reports problems), validate it, compile it to a shared object
 * with wasm2c + cc unless the content-hash cache has it, dlopen it; at
 * request time create instances and call their exports under a trap guard.
 */

#include "ngx_http_wasm_module.h"

#include <ngx_md5.h>

#include <dlfcn.h>
#include <link.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>


extern char  **environ;


#define NGX_HTTP_WASM_ERRLEN  1024

/* the largest .wasm file read: a guest is kilobytes, wasm2c output 10x */
#define NGX_HTTP_WASM_MAX_GUEST_SIZE  (256 * 1024 * 1024)

/*
 * The runtime in ngx_http_wasm_rt.c implements the wasm-rt.h interface of
 * Debian's wabt 1.0.32, so its wasm2c is used by absolute path: another
 * wasm2c found first in $PATH (npm's wabt puts one in node_modules/.bin)
 * generates code for a different runtime interface.
 */
#ifndef NGX_HTTP_WASM_WASM2C
#define NGX_HTTP_WASM_WASM2C         "/usr/bin/wasm2c"
#endif
#ifndef NGX_HTTP_WASM_WASM_VALIDATE
#define NGX_HTTP_WASM_WASM_VALIDATE  "/usr/bin/wasm-validate"
#endif
#ifndef NGX_HTTP_WASM_CC
#define NGX_HTTP_WASM_CC             "cc"
#endif


/*
 * Compiled beside the wasm2c output: what only the generated header knows.
 * wasm2c gives Z_guest_instantiate() an env argument only when the module
 * has imports, hence the two versions of that line.
 */
static const char  ngx_http_wasm_shim_head[] =
    "#include \"guest.h\"\n"
    "size_t ngx_wasm_shim_instance_size(void)\n"
    "{ return sizeof(Z_guest_instance_t); }\n"
    "void ngx_wasm_shim_init(void)\n"
    "{ Z_guest_init_module(); }\n"
    "void ngx_wasm_shim_free(void *i)\n"
    "{ Z_guest_free((Z_guest_instance_t *) i); }\n"
    "wasm_rt_memory_t *ngx_wasm_shim_memory(void *i)\n"
    "{ return Z_guestZ_memory((Z_guest_instance_t *) i); }\n"
    "void ngx_wasm_shim_instantiate(void *i, void *env)\n";

static const char  ngx_http_wasm_shim_with_env[] =
    "{ Z_guest_instantiate((Z_guest_instance_t *) i,\n"
    "                      (struct Z_env_instance_t *) env); }\n";

static const char  ngx_http_wasm_shim_without_env[] =
    "{ (void) env; Z_guest_instantiate((Z_guest_instance_t *) i); }\n";

/* where the end of what the guest wrote is (see ngx_http_wasm_track_writes) */
static const char  ngx_http_wasm_shim_dirty[] =
    "unsigned int *ngx_wasm_shim_dirty(void *i)\n"
    "{ return &((Z_guest_instance_t *) i)->ngx_dirty; }\n";

/* a guest compiled with fuel: where its counter is (see ngx_http_wasm_tune_c) */
static const char  ngx_http_wasm_shim_fuel[] =
    "long long *ngx_wasm_shim_fuel(void *i)\n"
    "{ return &((Z_guest_instance_t *) i)->ngx_fuel; }\n";


/*
 * How cc compiles a guest: flags before the sources, libraries after them.
 * wasm2c's output calls the C math library (nearbyint, sqrt, floor, ceil,
 * trunc and their f variants for f32/f64 rounding and square roots, unless
 * cc inlines them), which nginx itself does not link: the guest names libm
 * as its own dependency. No contraction of a * b + c into one fused
 * multiply-add, which WebAssembly does not do (cc would on targets with
 * FMA, e.g. arm64). Both lists are part of the guest cache key.
 */
static char  *ngx_http_wasm_cc_flags[] = {
    "-O2", "-fPIC", "-shared", "-w", "-ffp-contract=off",
    "-Wl,-Bsymbolic",
    "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0",
    "-DWASM_RT_USE_STACK_DEPTH_COUNT=1",
    "-DWASM_RT_MAX_CALL_STACK_DEPTH="
        ngx_value(NGX_HTTP_WASM_MAX_CALL_DEPTH),
    "-fstack-usage",          /* <so>-guest.su: each function's frame size */
    NULL
};

static char  *ngx_http_wasm_cc_libs[] = { "-lm", NULL };


static ngx_int_t ngx_http_wasm_merge_data(ngx_conf_t *cf, ngx_str_t *c);
static ngx_int_t ngx_http_wasm_track_writes(ngx_conf_t *cf, ngx_str_t *c,
    ngx_uint_t *tracked);


static ngx_msec_t
ngx_http_wasm_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (ngx_msec_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


static ngx_int_t
ngx_http_wasm_read_whole_file(ngx_pool_t *pool, ngx_log_t *log, u_char *path,
    ngx_str_t *out, size_t max)
{
    ssize_t          n;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name.data = path;
    file.name.len = ngx_strlen(path);
    file.log = log;

    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    file.fd = ngx_open_file(path, NGX_FILE_RDONLY|NGX_FILE_NONBLOCK,
                            NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        return NGX_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    /* nor may reading a FIFO or a device wait, or never end */
    if (!ngx_is_file(&fi)) {
        ngx_close_file(file.fd);
        ngx_set_errno(NGX_EINVAL);
        return NGX_DECLINED;
    }

    out->len = ngx_min((size_t) ngx_file_size(&fi), max);
    out->data = ngx_pnalloc(pool, out->len + 1);
    if (out->data == NULL) {
        ngx_close_file(file.fd);
        return NGX_ERROR;
    }

    n = out->len ? ngx_read_file(&file, out->data, out->len, 0) : 0;

    ngx_close_file(file.fd);

    if (n < 0) {
        return NGX_ERROR;
    }

    out->len = n;
    out->data[n] = '\0';

    return NGX_OK;
}


/* the md5 of this module's own .so: a new build invalidates the cache */
static u_char *
ngx_http_wasm_build_id(ngx_conf_t *cf)
{
    Dl_info     info;
    ngx_md5_t   md5;
    ngx_str_t   so;
    u_char      digest[16];

    static u_char  id[33];

    if (id[0]) {
        return id;
    }

    if (dladdr((void *) &ngx_http_wasm_module, &info) == 0
        || info.dli_fname == NULL
        || ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log,
                                         (u_char *) info.dli_fname, &so,
                                         64 * 1024 * 1024)
           != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           "wasm: cannot read this module's own file, the "
                           "guest cache does not follow module rebuilds");
        return (u_char *) "unknown";
    }

    ngx_md5_init(&md5);
    ngx_md5_update(&md5, so.data, so.len);
    ngx_md5_final(digest, &md5);

    *ngx_hex_dump(id, digest, 16) = '\0';

    return id;
}


/* one line from a tool's output: the lines that say "error", else the first */
static void
ngx_http_wasm_tool_summary(ngx_str_t *out, ngx_str_t *summary)
{
    u_char      *p, *eol, *s, *last;
    ngx_uint_t   n, want_error;

    static u_char  buf[NGX_HTTP_WASM_ERRLEN];

    s = buf;
    last = buf + sizeof(buf) - 1;
    want_error = ngx_strlcasestrn(out->data, out->data + out->len,
                                  (u_char *) "error", 5 - 1) != NULL;

    n = 0;
    for (p = out->data; p < out->data + out->len && n < 3; p = eol + 1) {
        eol = ngx_strlchr(p, out->data + out->len, '\n');
        if (eol == NULL) {
            eol = out->data + out->len;
        }

        if (eol == p
            || (want_error
                && ngx_strlcasestrn(p, eol, (u_char *) "error", 5 - 1)
                   == NULL))
        {
            continue;
        }

        s = ngx_slprintf(s, last, "%s%*s", n ? "; " : "", eol - p, p);
        n++;
    }

    summary->data = buf;
    summary->len = s - buf;
}


/*
 * Run a tool (no shell: arguments go to exec as they are) with its stdout
 * and stderr in out_path; returns its exit status, or -1 if it did not run.
 */
static int
ngx_http_wasm_run_tool(ngx_conf_t *cf, char *const argv[], u_char *out_path,
    ngx_str_t *output)
{
    int                          rc, status;
    pid_t                        pid;
    sigset_t                     set, old;
    posix_spawnattr_t            attr;
    posix_spawn_file_actions_t   fa;

    output->len = 0;
    output->data = (u_char *) "";

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (char *) out_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);

    /* the tool gets default signal handling and an empty mask */
    posix_spawnattr_init(&attr);
    sigemptyset(&set);
    posix_spawnattr_setsigmask(&attr, &set);
    sigfillset(&set);
    sigdelset(&set, SIGKILL);
    sigdelset(&set, SIGSTOP);
    posix_spawnattr_setsigdefault(&attr, &set);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF);

    /* keep the master's SIGCHLD handler from reaping our child */
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);

    rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);

    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);

    if (rc != 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        ngx_set_errno(rc);
        return -1;
    }

    while (waitpid(pid, &status, 0) == -1) {
        if (ngx_errno != NGX_EINTR) {
            sigprocmask(SIG_SETMASK, &old, NULL);
            return -1;
        }
    }

    sigprocmask(SIG_SETMASK, &old, NULL);

    (void) ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log, out_path,
                                         output, 64 * 1024);

    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }

    return 128 + WTERMSIG(status);
}


/*
 * A feature wasm2c cannot compile (abi.json "unsupportedFeatures"), named
 * by the words wasm-validate uses for it; NULL when the output names none
 */
static const ngx_wasm_feature_t *
ngx_http_wasm_feature_problem(ngx_str_t *out)
{
    u_char                    *end;
    const char * const        *word;
    const ngx_wasm_feature_t  *f;

    end = out->data + out->len;

    for (f = ngx_wasm_unsupported_features; f->doc; f++) {
        for (word = f->words; *word; word++) {
            if (ngx_strlcasestrn(out->data, end, (u_char *) *word,
                                 ngx_strlen(*word) - 1))
            {
                return f;
            }
        }
    }

    return NULL;
}


static void
ngx_http_wasm_remove_dir(u_char *dir, size_t len)
{
    u_char             path[NGX_MAX_PATH];
    ngx_uint_t         i;

    static const char  *files[] = {
        "guest.wasm", "guest.c", "guest.h", "shim.c", "guest.so", "tool.log",
        "guest.so-guest.su", "guest.so-shim.su", NULL
    };

    for (i = 0; files[i]; i++) {
        ngx_snprintf(path, sizeof(path), "%*s/%s%Z", len, dir, files[i]);
        (void) ngx_delete_file(path);
    }

    ngx_snprintf(path, sizeof(path), "%*s%Z", len, dir);
    (void) ngx_delete_dir(path);
}


/* `path` replaced by `len` bytes of `data` */
static ngx_int_t
ngx_http_wasm_write_whole_file(u_char *path, u_char *data, size_t len)
{
    ngx_fd_t  fd;

    fd = ngx_open_file(path, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);
    if (fd == NGX_INVALID_FILE) {
        return NGX_ERROR;
    }

    if (ngx_write_fd(fd, data, len) != (ssize_t) len) {
        ngx_close_file(fd);
        return NGX_ERROR;
    }

    ngx_close_file(fd);

    return NGX_OK;
}


/* `w2c_L<digits>:` at p (a loop's head in wasm2c's output): *q after it */
static ngx_uint_t
ngx_http_wasm_loop_label(u_char *p, u_char *end, u_char **q)
{
    if (end - p < 7 || ngx_strncmp(p, "w2c_L", 5) != 0
        || p[5] < '0' || p[5] > '9')
    {
        return 0;
    }

    for (p += 5; p < end && *p >= '0' && *p <= '9'; p++) { /* void */ }

    if (p == end || *p != ':') {
        return 0;
    }

    *q = p + 1;

    return 1;
}


/*
 * Whether the function whose FUNC_PROLOGUE is at p (its body ends at the
 * first "}" at the start of a line) calls (a guest function, an import, an
 * indirect call: wasm2c passes them the instance) or loops. One that does
 * neither runs a stretch of code bounded by its size: its entry charges
 * nothing, as in host/fuel.ts.
 */
static ngx_uint_t
ngx_http_wasm_calls_or_loops(u_char *p, u_char *end)
{
    u_char  *q, *body_end;

    body_end = ngx_strnstr(p, (char *) "\n}", end - p);
    if (body_end == NULL) {
        body_end = end;
    }

    for (q = p; q < body_end; q++) {

        if (*q == '(' && body_end - q >= 10
            && ngx_strncmp(q, "(instance", 9) == 0
            && (q[9] == ',' || q[9] == ')'
                || ngx_strncmp(q + 9, "->Z_env_instance", 16) == 0))
        {
            return 1;
        }

        if (*q == 'C' && ngx_strncmp(q, "CALL_INDIRECT(", 14) == 0) {
            return 1;
        }

        if (*q == 'w' && ngx_http_wasm_loop_label(q, body_end, &p)) {
            return 1;
        }
    }

    return 0;
}


/*
 * guest.h: the instance gains what the rewrite counts in it, first: the end
 * of the memory the guest has written (ngx_dirty), and with fuel its counter.
 * *tracked: whether its memory is the field the rewrite knows (w2c_memory).
 */
static ngx_int_t
ngx_http_wasm_tune_h(ngx_conf_t *cf, u_char *h_path, ngx_uint_t fuel,
    ngx_uint_t *tracked)
{
    u_char     *p, *out, *o;
    ngx_str_t   h;
    size_t      n;

    static ngx_str_t  head = ngx_string("typedef struct Z_guest_instance_t {\n");
    static ngx_str_t  dirty = ngx_string("  unsigned int ngx_dirty;\n");
    static ngx_str_t  counter = ngx_string("  long long ngx_fuel;\n");

    if (ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log, h_path, &h,
                                      NGX_HTTP_WASM_MAX_GUEST_SIZE)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_strnstr(h.data, (char *) head.data, h.len);
    if (p == NULL) {
        ngx_set_errno(NGX_EINVAL);
        return NGX_ERROR;
    }

    *tracked = ngx_strnstr(h.data, "wasm_rt_memory_t w2c_memory;", h.len)
               != NULL;

    p += head.len;
    n = p - h.data;

    out = ngx_pnalloc(cf->temp_pool, h.len + dirty.len + counter.len);
    if (out == NULL) {
        return NGX_ERROR;
    }

    o = ngx_cpymem(out, h.data, n);
    o = ngx_cpymem(o, dirty.data, dirty.len);
    if (fuel) {
        o = ngx_cpymem(o, counter.data, counter.len);
    }
    o = ngx_cpymem(o, p, h.len - n);

    return ngx_http_wasm_write_whole_file(h_path, out, o - out);
}


/*
 * Every `from` in `text` replaced by `from` preceded by `before` (in the
 * temp pool); returns how many, or -1 when out of memory.
 */
static ngx_int_t
ngx_http_wasm_prefix_all(ngx_conf_t *cf, ngx_str_t *text, const char *from,
    const char *before)
{
    u_char     *p, *q, *end, *out, *o;
    size_t      flen, blen;
    ngx_int_t   n;

    flen = ngx_strlen(from);
    blen = ngx_strlen(before);
    end = text->data + text->len;

    n = 0;
    for (p = text->data; (q = ngx_strlcasestrn(p, end, (u_char *) from,
                                               flen - 1)) != NULL;
         p = q + flen)
    {
        n++;
    }

    if (n == 0) {
        return 0;
    }

    out = ngx_pnalloc(cf->temp_pool, text->len + n * blen);
    if (out == NULL) {
        return -1;
    }

    o = out;
    for (p = text->data; (q = ngx_strlcasestrn(p, end, (u_char *) from,
                                               flen - 1)) != NULL;
         p = q + flen)
    {
        o = ngx_cpymem(o, p, q - p);
        o = ngx_cpymem(o, before, blen);
        o = ngx_cpymem(o, q, flen);
    }

    o = ngx_cpymem(o, p, end - p);

    text->data = out;
    text->len = o - out;

    return n;
}


/*
 * wasm2c's C, rewritten for the C compiler (the artefact is ours):
 * - every function's instance pointer is `restrict`. Only guest code changes
 *   the instance's memory base and size (memory.grow, through that pointer or
 *   one passed down from it); host functions never touch the instance. So cc
 *   may keep both in registers across the guest's stores, instead of
 *   reloading them after each one (a byte store may alias anything);
 * - no empty asm after each load: it pins every loaded value, which blocks
 *   optimisation, and in bounds-check mode the explicit check traps whether
 *   or not the load itself stays;
 * - with fuel (wasm_fuel_limit), one unit is charged at the entry of every
 *   function that calls or loops (after FUNC_PROLOGUE) and at every loop's
 *   head (wasm2c's w2c_L<n> labels, reached on entry and on each branch
 *   back), from a counter in the instance (guest.h gains it; restrict lets
 *   cc keep it apart from guest memory). Below zero,
 *   ngx_http_wasm_fuel_out() decides. The host in host/ charges the same
 *   units (host/fuel.ts);
 * - neighbouring data segments are loaded as one (ngx_http_wasm_merge_data).
 */
static ngx_int_t
ngx_http_wasm_tune_c(ngx_conf_t *cf, u_char *c_path, u_char *h_path,
    ngx_uint_t fuel, ngx_uint_t *tracked)
{
    u_char     *p, *q, *end, *out, *o;
    size_t      n;
    ngx_str_t   c;

    static ngx_str_t  param = ngx_string("(Z_guest_instance_t* instance");
    static ngx_str_t  restricted = ngx_string("(Z_guest_instance_t* restrict "
                                              "instance");
    static ngx_str_t  barrier = ngx_string("wasm_asm(\"\" ::\"r\"(result));");
    static ngx_str_t  prologue = ngx_string("FUNC_PROLOGUE;");
    static ngx_str_t  charge = ngx_string(" NGX_WASM_FUEL;");
    static ngx_str_t  fuel_head = ngx_string(
        "/* ngx_http_wasm_module: one unit per function entry and loop head */\n"
        "void ngx_http_wasm_fuel_out(void *instance);\n"
        "#define NGX_WASM_FUEL                                              \\\n"
        "  if (__builtin_expect(--instance->ngx_fuel < 0, 0))               \\\n"
        "    ngx_http_wasm_fuel_out(instance)\n");

    if (ngx_http_wasm_tune_h(cf, h_path, fuel, tracked) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log, c_path, &c,
                                      NGX_HTTP_WASM_MAX_GUEST_SIZE)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* at most one insertion per `(` or `:` */
    n = 0;
    for (p = c.data, end = c.data + c.len; p < end; p++) {
        n += (*p == '(' || *p == ':');
    }

    out = ngx_pnalloc(cf->temp_pool, fuel_head.len + c.len
                      + n * ngx_max(restricted.len - param.len, charge.len));
    if (out == NULL) {
        return NGX_ERROR;
    }

    o = out;
    p = c.data;

    if (fuel) {
        o = ngx_cpymem(o, fuel_head.data, fuel_head.len);
    }

    while (p < end) {

        if (*p == '('
            && (size_t) (end - p) >= param.len
            && ngx_strncmp(p, param.data, param.len) == 0)
        {
            o = ngx_cpymem(o, restricted.data, restricted.len);
            p += param.len;

        } else if (fuel && *p == 'F'
                   && (size_t) (end - p) >= prologue.len
                   && ngx_strncmp(p, prologue.data, prologue.len) == 0)
        {
            o = ngx_cpymem(o, prologue.data, prologue.len);

            if (ngx_http_wasm_calls_or_loops(p, end)) {
                o = ngx_cpymem(o, charge.data, charge.len);
            }

            p += prologue.len;

        } else if (fuel && *p == 'w' && ngx_http_wasm_loop_label(p, end, &q)) {
            o = ngx_cpymem(o, p, q - p);
            o = ngx_cpymem(o, charge.data, charge.len);
            p = q;

        } else if (*p == 'w'
                   && (size_t) (end - p) >= barrier.len
                   && ngx_strncmp(p, barrier.data, barrier.len) == 0)
        {
            p += barrier.len;

        } else {
            *o++ = *p++;
        }
    }

    c.data = out;
    c.len = o - out;

    if (ngx_http_wasm_merge_data(cf, &c) != NGX_OK) {
        return NGX_ERROR;
    }

    if (*tracked && ngx_http_wasm_track_writes(cf, &c, tracked) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_wasm_write_whole_file(c_path, c.data, c.len);
}


/*
 * wasm2c loads every active data segment by itself, in init_memories: a bounds
 * check, a copy and (rewritten) a dirty mark each, and AssemblyScript gives
 * every string its own segment (hello has 56). Segments in ascending order
 * less than NGX_HTTP_WASM_DATA_GAP bytes apart become one image, loaded by
 * one LOAD_DATA: the same bytes land in the same places of a fresh (zeroed)
 * memory, and a segment out of bounds still fails the instantiation. Any
 * line of init_memories not recognised leaves the function as it is.
 */

#define NGX_HTTP_WASM_DATA_GAP   64
#define NGX_HTTP_WASM_DATA_SEGS  4096

typedef struct {
    uint64_t    offset;
    uint64_t    len;
    u_char     *bytes;     /* wasm2c's array: "0x2c, 0x00, ..." */
    ngx_uint_t  run;       /* the image it goes into */
} ngx_http_wasm_data_seg_t;


static u_char *
ngx_http_wasm_parse_u64(u_char *p, u_char *end, uint64_t *v)
{
    u_char  *start;

    start = p;
    *v = 0;

    while (p < end && *p >= '0' && *p <= '9' && p - start < 18) {
        *v = *v * 10 + (*p++ - '0');
    }

    return p > start ? p : NULL;
}


/* `prefix` at p, returns the text after it, or NULL */
static u_char *
ngx_http_wasm_skip(u_char *p, u_char *end, const char *prefix)
{
    size_t  n;

    n = ngx_strlen(prefix);

    if ((size_t) (end - p) < n || ngx_strncmp(p, prefix, n) != 0) {
        return NULL;
    }

    return p + n;
}


static ngx_int_t
ngx_http_wasm_merge_data(ngx_conf_t *cf, ngx_str_t *c)
{
    u_char                    *p, *q, *end, *start, *body, *body_end, *out;
    u_char                    *o, *b, *from, *alloc;
    u_char                     name[64];
    size_t                     size, alloc_len;
    uint64_t                   k, gap, run_start, run_end, i, j;
    ngx_uint_t                 n, r, runs;
    ngx_http_wasm_data_seg_t  *seg;

    static const char  head[] = "static void init_memories(";
    static const char  load[] = "  LOAD_DATA(instance->w2c_memory, ";

    end = c->data + c->len;

    start = ngx_strnstr(c->data, (char *) head, c->len);
    if (start == NULL) {
        return NGX_OK;
    }

    body = ngx_strlchr(start, end, '\n');
    if (body == NULL) {
        return NGX_OK;
    }

    body++;

    body_end = ngx_strnstr(body, "\n}\n", end - body);
    if (body_end == NULL) {
        return NGX_OK;
    }

    body_end++;

    seg = ngx_palloc(cf->temp_pool, NGX_HTTP_WASM_DATA_SEGS
                                     * sizeof(ngx_http_wasm_data_seg_t));
    if (seg == NULL) {
        return NGX_ERROR;
    }

    /* the lines: wasm_rt_allocate_memory(...), then LOAD_DATA(...) only */
    n = 0;
    from = c->data;
    alloc = NULL;
    alloc_len = 0;

    for (p = body; p < body_end; p = q + 1) {
        q = ngx_strlchr(p, body_end, '\n');
        if (q == NULL) {
            return NGX_OK;
        }

        if (alloc == NULL
            && ngx_http_wasm_skip(p, q, "  wasm_rt_allocate_memory(") != NULL)
        {
            alloc = p;
            alloc_len = q + 1 - p;
            continue;
        }

        if (n == NGX_HTTP_WASM_DATA_SEGS
            || (p = ngx_http_wasm_skip(p, q, load)) == NULL
            || (p = ngx_http_wasm_parse_u64(p, q, &seg[n].offset)) == NULL
            || (p = ngx_http_wasm_skip(p, q, "u, data_segment_data_w2c_d"))
               == NULL
            || (p = ngx_http_wasm_parse_u64(p, q, &k)) == NULL
            || (p = ngx_http_wasm_skip(p, q, ", ")) == NULL
            || (p = ngx_http_wasm_parse_u64(p, q, &seg[n].len)) == NULL
            || ngx_http_wasm_skip(p, q, ");") == NULL
            || (n > 0 && seg[n].offset < seg[n - 1].offset + seg[n - 1].len))
        {
            /* another shape, or segments out of order or overlapping */
            return NGX_OK;
        }

        /* its bytes: "static const u8 data_segment_data_w2c_d<k>[] = {" */
        ngx_snprintf(name, sizeof(name),
                     "static const u8 data_segment_data_w2c_d%uL[] = {\n%Z", k);

        /* wasm2c writes them in order: look on from the last one first */
        b = ngx_strnstr(from, (char *) name, body - from);
        if (b == NULL) {
            b = ngx_strnstr(c->data, (char *) name, body - c->data);
            if (b == NULL) {
                return NGX_OK;
            }
        }

        from = b;
        seg[n].bytes = b + ngx_strlen(name);
        n++;
    }

    if (n < 2 || alloc == NULL) {
        return NGX_OK;
    }

    /* the runs, and the text they need: "0xNN," per byte */
    runs = 0;
    size = 0;

    for (i = 0; i < n; i++) {
        if (i > 0 && seg[i].offset - (seg[i - 1].offset + seg[i - 1].len)
                     < NGX_HTTP_WASM_DATA_GAP)
        {
            seg[i].run = seg[i - 1].run;

        } else {
            seg[i].run = runs++;
        }

        gap = (i > 0 && seg[i].run == seg[i - 1].run)
              ? seg[i].offset - (seg[i - 1].offset + seg[i - 1].len) : 0;

        /* "0xNN," or "0," a byte, and a newline at most every byte */
        size += (gap + seg[i].len) * sizeof("0x00,");
    }

    out = ngx_pnalloc(cf->temp_pool,
                      c->len + size + runs * 256 + NGX_INT64_LEN * 2);
    if (out == NULL) {
        return NGX_ERROR;
    }

    o = ngx_cpymem(out, c->data, start - c->data);

    /* the images, before init_memories */
    for (i = 0; i < n; i = j) {
        r = seg[i].run;

        o = ngx_sprintf(o, "/* ngx_http_wasm_module: data segments, merged */\n"
                        "static const u8 ngx_wasm_data_image_%ui[] = {", r);

        for (j = i; j < n && seg[j].run == r; j++) {
            if (j > i) {
                for (k = seg[j - 1].offset + seg[j - 1].len;
                     k < seg[j].offset; k++)
                {
                    o = ngx_cpymem(o, "0,", 2);
                }
            }

            /* wasm2c's bytes, copied as they are: "0x2c, " len times */
            b = seg[j].bytes;

            for (k = 0; k < seg[j].len; k++) {
                while (b < end && *b != '0') {
                    b++;
                }

                if ((size_t) (end - b) < 4 || b[1] != 'x') {
                    return NGX_OK;    /* not wasm2c's shape: left as is */
                }

                if (k % 16 == 0) {
                    *o++ = '\n';
                }

                o = ngx_cpymem(o, b, 4);
                *o++ = ',';
                b += 4;
            }
        }

        o = ngx_cpymem(o, "\n};\n", 4);
    }

    /* init_memories: its allocation, then one LOAD_DATA per image */
    o = ngx_cpymem(o, start, body - start);
    o = ngx_cpymem(o, alloc, alloc_len);

    for (i = 0; i < n; i = j) {
        r = seg[i].run;
        run_start = seg[i].offset;
        run_end = run_start;

        for (j = i; j < n && seg[j].run == r; j++) {
            run_end = seg[j].offset + seg[j].len;
        }

        o = ngx_sprintf(o, "%s%uLu, ngx_wasm_data_image_%ui, %uL);\n",
                        load, run_start, r, run_end - run_start);
    }

    o = ngx_cpymem(o, body_end, end - body_end);

    c->data = out;
    c->len = o - out;

    return NGX_OK;
}


/*
 * Every write of the guest to its memory raises the instance's ngx_dirty to
 * the end of what it wrote: the stores, the data segments, memory.fill,
 * memory.copy (and memory.init, through LOAD_DATA) of wasm2c's output; the
 * host's writes go through ngx_http_wasm_guest_mem. A pooled memory is
 * then zeroed only up to there when it is released. Any pattern not found
 * (another wasm2c) leaves the guest untracked: its memory is zeroed whole.
 */
static ngx_int_t
ngx_http_wasm_track_writes(ngx_conf_t *cf, ngx_str_t *c, ngx_uint_t *tracked)
{
    u_char     *out, *o;
    ngx_int_t   n;
    ngx_uint_t  i;

    static const char  *writes[][2] = {
        { "wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));",
          "NGX_WASM_DIRTY(mem, addr + sizeof(t1)); " },
        { "load_data(&(m.data[o]), i, s);",
          "NGX_WASM_DIRTY(&m, (u64) (o) + (s)); " },
        { "memset(mem->data + d, val, n);",
          "NGX_WASM_DIRTY(mem, (u64) d + n); " },
        { "memmove(dest->data + dest_addr, src->data + src_addr, n);",
          "NGX_WASM_DIRTY(dest, (u64) dest_addr + n); " },
    };

#if !(NGX_HAVE_LITTLE_ENDIAN)
    /* wasm2c's big-endian stores are written otherwise: not tracked */
    *tracked = 0;
    return NGX_OK;
#endif

    static ngx_str_t  dirty_head = ngx_string(
        "/* ngx_http_wasm_module: the end of what the guest wrote */\n"
        "#define NGX_WASM_DIRTY(m, end)                                   \\\n"
        "  do {                                                           \\\n"
        "    Z_guest_instance_t* ngx_i = (Z_guest_instance_t*) ((char*) (m) \\\n"
        "        - __builtin_offsetof(Z_guest_instance_t, w2c_memory));   \\\n"
        "    if ((u64) (end) > ngx_i->ngx_dirty)                          \\\n"
        "      ngx_i->ngx_dirty = (unsigned int) (end);                   \\\n"
        "  } while (0)\n");

    for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        n = ngx_http_wasm_prefix_all(cf, c, writes[i][0], writes[i][1]);

        if (n < 0) {
            return NGX_ERROR;
        }

        if (n == 0) {
            ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0, "wasm: wasm2c's output "
                               "has no \"%s\": the guest's memory is zeroed "
                               "whole after use", writes[i][0]);
            *tracked = 0;
            return NGX_OK;
        }
    }

    out = ngx_pnalloc(cf->temp_pool, dirty_head.len + c->len);
    if (out == NULL) {
        return NGX_ERROR;
    }

    o = ngx_cpymem(out, dirty_head.data, dirty_head.len);
    o = ngx_cpymem(o, c->data, c->len);

    c->data = out;
    c->len = o - out;

    return NGX_OK;
}


/*
 * wasm-validate, wasm2c, cc into a private directory, then rename into place.
 * The tools read the bytes this module read, hashed and checked (a copy in
 * that directory), never the guest's file again: a file replaced meanwhile
 * cannot reach the compiler unchecked, nor be cached under the old hash.
 */
static ngx_int_t
ngx_http_wasm_compile(ngx_conf_t *cf, ngx_str_t *path, ngx_str_t *wasm,
    ngx_str_t *cache, u_char *hash, u_char *so_path, u_char *su_path,
    ngx_uint_t has_imports, ngx_uint_t fuel)
{
    int                        rc;
    u_char                     wasm_path[NGX_MAX_PATH];
    u_char                     dir[NGX_MAX_PATH], c_path[NGX_MAX_PATH];
    u_char                     h_path[NGX_MAX_PATH];
    ngx_uint_t                 tracked;
    u_char                     shim_path[NGX_MAX_PATH], tmp_so[NGX_MAX_PATH];
    u_char                     log_path[NGX_MAX_PATH], tmp_su[NGX_MAX_PATH];
    u_char                    *dir_end;
    size_t                     dir_len;
    ngx_fd_t                   fd;
    ngx_str_t                  out, summary;
    const char                *shim;
    const ngx_wasm_feature_t  *problem;

    dir_end = ngx_snprintf(dir, sizeof(dir) - 1, "%V/%s.tmp.%P", cache, hash,
                           ngx_pid);
    *dir_end = '\0';
    dir_len = dir_end - dir;

    ngx_http_wasm_remove_dir(dir, dir_len);

    if (ngx_create_dir(dir, 0755) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot create \"%s\" to compile guest "
                           "\"%V\"", dir, path);
        return NGX_ERROR;
    }

    ngx_snprintf(wasm_path, sizeof(wasm_path), "%s/guest.wasm%Z", dir);
    ngx_snprintf(c_path, sizeof(c_path), "%s/guest.c%Z", dir);
    ngx_snprintf(h_path, sizeof(h_path), "%s/guest.h%Z", dir);
    ngx_snprintf(shim_path, sizeof(shim_path), "%s/shim.c%Z", dir);
    ngx_snprintf(tmp_so, sizeof(tmp_so), "%s/guest.so%Z", dir);
    ngx_snprintf(tmp_su, sizeof(tmp_su), "%s/guest.so-guest.su%Z", dir);
    ngx_snprintf(log_path, sizeof(log_path), "%s/tool.log%Z", dir);

    if (ngx_http_wasm_write_whole_file(wasm_path, wasm->data, wasm->len)
        != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot write \"%s\" to compile guest "
                           "\"%V\"", wasm_path, path);
        goto failed;
    }

    {
        char *const  argv[] = { NGX_HTTP_WASM_WASM_VALIDATE, "--disable-simd",
                                (char *) wasm_path, NULL };

        rc = ngx_http_wasm_run_tool(cf, argv, log_path, &out);
    }

    if (rc == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot run " NGX_HTTP_WASM_WASM_VALIDATE
                           " for guest \"%V\" (is wabt installed?)", path);
        goto failed;
    }

    if (rc != 0) {
        problem = ngx_http_wasm_feature_problem(&out);
        ngx_http_wasm_tool_summary(&out, &summary);

        if (problem) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" uses "
                               "%s, which this host cannot compile (%V)",
                               path, problem->doc, &summary);
        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" is "
                               "not a valid WebAssembly module: %V", path,
                               &summary);
        }

        goto failed;
    }

    {
        char *const  argv[] = { NGX_HTTP_WASM_WASM2C, (char *) wasm_path,
                                "-n", "guest", "-o", (char *) c_path, NULL };

        rc = ngx_http_wasm_run_tool(cf, argv, log_path, &out);
    }

    if (rc != 0) {
        ngx_http_wasm_tool_summary(&out, &summary);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, rc == -1 ? ngx_errno : 0,
                           "wasm: wasm2c failed for guest \"%V\" (exit %d): "
                           "%V", path, rc, &summary);
        goto failed;
    }

    if (ngx_http_wasm_tune_c(cf, c_path, h_path, fuel, &tracked) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot rewrite \"%s\" for guest \"%V\"",
                           c_path, path);
        goto failed;
    }

    shim = has_imports ? ngx_http_wasm_shim_with_env
                       : ngx_http_wasm_shim_without_env;

    fd = ngx_open_file(shim_path, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);
    if (fd == NGX_INVALID_FILE
        || ngx_write_fd(fd, (void *) ngx_http_wasm_shim_head,
                        sizeof(ngx_http_wasm_shim_head) - 1)
           != (ssize_t) (sizeof(ngx_http_wasm_shim_head) - 1)
        || ngx_write_fd(fd, (void *) shim, ngx_strlen(shim))
           != (ssize_t) ngx_strlen(shim)
        || (fuel
            && ngx_write_fd(fd, (void *) ngx_http_wasm_shim_fuel,
                            sizeof(ngx_http_wasm_shim_fuel) - 1)
               != (ssize_t) (sizeof(ngx_http_wasm_shim_fuel) - 1))
        || (tracked
            && ngx_write_fd(fd, (void *) ngx_http_wasm_shim_dirty,
                            sizeof(ngx_http_wasm_shim_dirty) - 1)
               != (ssize_t) (sizeof(ngx_http_wasm_shim_dirty) - 1)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot write \"%s\"", shim_path);
        if (fd != NGX_INVALID_FILE) {
            ngx_close_file(fd);
        }
        goto failed;
    }

    ngx_close_file(fd);

    {
        /* cc, the flags, -o, the output, two sources, the libraries, NULL */
        char        *argv[sizeof(ngx_http_wasm_cc_flags) / sizeof(char *)
                          + sizeof(ngx_http_wasm_cc_libs) / sizeof(char *)
                          + 4];
        ngx_uint_t   n, i;

        n = 0;
        argv[n++] = NGX_HTTP_WASM_CC;

        for (i = 0; ngx_http_wasm_cc_flags[i]; i++) {
            argv[n++] = ngx_http_wasm_cc_flags[i];
        }

        argv[n++] = "-o";
        argv[n++] = (char *) tmp_so;
        argv[n++] = (char *) c_path;
        argv[n++] = (char *) shim_path;

        for (i = 0; ngx_http_wasm_cc_libs[i]; i++) {
            argv[n++] = ngx_http_wasm_cc_libs[i];
        }

        argv[n] = NULL;

        rc = ngx_http_wasm_run_tool(cf, argv, log_path, &out);
    }

    if (rc != 0) {
        ngx_http_wasm_tool_summary(&out, &summary);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, rc == -1 ? ngx_errno : 0,
                           "wasm: cc failed to compile guest \"%V\" (exit %d): "
                           "%V", path, rc, &summary);
        goto failed;
    }

    /* the frame sizes first: a cached .so always has its .su */
    if (ngx_rename_file(tmp_su, su_path) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot rename \"%s\" to \"%s\"", tmp_su,
                           su_path);
        goto failed;
    }

    if (ngx_rename_file(tmp_so, so_path) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot rename \"%s\" to \"%s\"", tmp_so,
                           so_path);
        goto failed;
    }

    ngx_http_wasm_remove_dir(dir, dir_len);

    return NGX_OK;

failed:

    ngx_http_wasm_remove_dir(dir, dir_len);

    return NGX_ERROR;
}


static void
ngx_http_wasm_guest_cleanup(void *data)
{
    ngx_http_wasm_guest_t  *guest = data;

    if (guest->handle) {
        dlclose(guest->handle);
        guest->handle = NULL;
    }
}


/*
 * The name in glibc's "<file>: undefined symbol: <name>" (", version <v>"
 * may follow): compiled guests reference only this module's functions, the
 * C library and libm, so a name the dynamic linker cannot resolve is one
 * the host forgot to provide or link.
 */
static ngx_int_t
ngx_http_wasm_undefined_symbol(const char *err, ngx_str_t *name)
{
    u_char  *p, *last;

    p = (u_char *) ngx_strstr(err, "undefined symbol: ");
    if (p == NULL) {
        return NGX_DECLINED;
    }

    p += sizeof("undefined symbol: ") - 1;

    for (last = p; *last && *last != ',' && *last != ' ' && *last != '\n';
         last++)
    {
        /* void */
    }

    if (last == p) {
        return NGX_DECLINED;
    }

    name->data = p;
    name->len = last - p;

    return NGX_OK;
}


/*
 * dlopen maps the segments of a shared object without comparing them with
 * the file's size: touching a page past the end of a truncated file (a cache
 * entry cut short) is SIGBUS, in the master or in nginx -t. So the file must
 * hold its ELF header, its program headers and every segment they name.
 * Returns NULL when it does, or what is wrong.
 */
static const char *
ngx_http_wasm_elf_check(u_char *path)
{
    off_t             size;
    size_t            n;
    ssize_t           got;
    ngx_fd_t          fd;
    ngx_uint_t        i;
    ngx_file_info_t   fi;
    ElfW(Ehdr)        eh;
    ElfW(Phdr)        ph[64];

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return "cannot be opened";
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        (void) ngx_close_file(fd);
        return "cannot be read";
    }

    size = ngx_file_size(&fi);
    got = pread(fd, &eh, sizeof(eh), 0);

    if (got != (ssize_t) sizeof(eh)
        || ngx_memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0
        || eh.e_phentsize != sizeof(ElfW(Phdr))
        || eh.e_phnum == 0
        || eh.e_phnum > sizeof(ph) / sizeof(ph[0]))
    {
        (void) ngx_close_file(fd);
        return "it is not a shared object of this machine (or is cut short)";
    }

    n = eh.e_phnum * sizeof(ElfW(Phdr));

    if (eh.e_phoff > (uint64_t) size || n > (uint64_t) size - eh.e_phoff
        || pread(fd, ph, n, eh.e_phoff) != (ssize_t) n)
    {
        (void) ngx_close_file(fd);
        return "it is cut short (its program headers are missing)";
    }

    (void) ngx_close_file(fd);

    for (i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_offset > (uint64_t) size
            || ph[i].p_filesz > (uint64_t) size - ph[i].p_offset)
        {
            return "it is cut short (a segment ends past the end of the file)";
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_wasm_guest_open(ngx_conf_t *cf, ngx_http_wasm_guest_t *guest,
    u_char *so_path, ngx_uint_t level)
{
    const char            *err;
    void                 (*init)(void);
    size_t               (*size)(void);
    ngx_str_t              symbol;
    ngx_pool_cleanup_t    *cln;

    err = ngx_http_wasm_elf_check(so_path);

    if (err == NULL) {
        guest->handle = dlopen((char *) so_path, RTLD_NOW | RTLD_LOCAL);

        if (guest->handle == NULL) {
            err = dlerror();
            if (err == NULL) {
                err = "unknown error";
            }
        }
    }

    if (err != NULL) {
        if (ngx_http_wasm_undefined_symbol(err, &symbol) == NGX_OK) {
            ngx_conf_log_error(level, cf, 0, "wasm: guest \"%V\" "
                               "cannot be loaded: its compiled code (%s) "
                               "needs the C symbol \"%V\", which this host "
                               "does not provide; this is a bug of "
                               "ngx_http_wasm_module, not an error in the "
                               "guest: please report it", &guest->path,
                               so_path, &symbol);
            return NGX_ERROR;
        }

        ngx_conf_log_error(level, cf, 0, "wasm: cannot load the "
                           "compiled guest \"%V\" (%s): %s", &guest->path,
                           so_path, err);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        dlclose(guest->handle);
        guest->handle = NULL;
        return NGX_ERROR;
    }

    cln->handler = ngx_http_wasm_guest_cleanup;
    cln->data = guest;

    init = (void (*)(void)) dlsym(guest->handle, "ngx_wasm_shim_init");
    size = (size_t (*)(void)) dlsym(guest->handle,
                                    "ngx_wasm_shim_instance_size");
    guest->instantiate = (void (*)(void *, void *))
                         dlsym(guest->handle, "ngx_wasm_shim_instantiate");
    guest->free = (void (*)(void *)) dlsym(guest->handle, "ngx_wasm_shim_free");
    guest->memory = (wasm_rt_memory_t *(*)(void *))
                    dlsym(guest->handle, "ngx_wasm_shim_memory");
    guest->fuel_counter = (long long *(*)(void *))
                          dlsym(guest->handle, "ngx_wasm_shim_fuel");
    /* NULL when its writes are not tracked: its memory is zeroed whole */
    guest->dirty = (unsigned int *(*)(void *))
                   dlsym(guest->handle, "ngx_wasm_shim_dirty");

    if (init == NULL || size == NULL || guest->instantiate == NULL
        || guest->free == NULL || guest->memory == NULL
        || (guest->fuel && guest->fuel_counter == NULL))
    {
        ngx_conf_log_error(level, cf, 0, "wasm: the compiled guest "
                           "\"%s\" for \"%V\" lacks its shim", so_path,
                           &guest->path);
        return NGX_ERROR;
    }

    if (!wasm_rt_is_initialized()) {
        wasm_rt_init();
    }

    init();
    guest->instance_size = size();

    return NGX_OK;
}


/*
 * The guest's call-depth limit from its largest C frame, as cc reported it
 * in the .su file ("file:line:col:function<TAB>bytes<TAB>qualifiers" per
 * line): a recursion of huge frames must trap, not overflow the worker's
 * stack. A guest whose largest frame leaves too few nested calls is refused.
 */
static ngx_int_t
ngx_http_wasm_guest_stack(ngx_conf_t *cf, ngx_http_wasm_guest_t *guest,
    u_char *su_path, ngx_uint_t level)
{
    u_char         *p, *last, *line, *tab, *name;
    size_t          frame, max, name_len;
    ngx_str_t       su;
    struct rlimit   rlim;

    if (getrlimit(RLIMIT_STACK, &rlim) == 0
        && rlim.rlim_cur != RLIM_INFINITY
        && rlim.rlim_cur < 2 * NGX_HTTP_WASM_STACK_BUDGET)
    {
        ngx_conf_log_error(level, cf, 0, "wasm: the stack limit is "
                           "%uz KiB; guests need at least %uz KiB (raise "
                           "\"ulimit -s\" for nginx)",
                           (size_t) rlim.rlim_cur / 1024,
                           (size_t) 2 * NGX_HTTP_WASM_STACK_BUDGET / 1024);
        return NGX_ERROR;
    }

    if (ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log, su_path, &su,
                                      16 * 1024 * 1024)
        != NGX_OK)
    {
        ngx_conf_log_error(level, cf, ngx_errno, "wasm: cannot read "
                           "\"%s\", the frame sizes of guest \"%V\"",
                           su_path, &guest->path);
        return NGX_ERROR;
    }

    max = 0;
    name = NULL;
    name_len = 0;
    last = su.data + su.len;

    for (line = su.data; line < last; line = p + 1) {
        p = ngx_strlchr(line, last, '\n');
        if (p == NULL) {
            p = last;
        }

        tab = ngx_strlchr(line, p, '\t');
        if (tab == NULL) {
            continue;
        }

        frame = 0;

        while (++tab < p && *tab >= '0' && *tab <= '9') {
            frame = frame * 10 + (*tab - '0');

            if (frame > NGX_HTTP_WASM_STACK_BUDGET) {
                break;
            }
        }

        if (frame > max) {
            max = frame;
            name = line;
            name_len = ngx_strlchr(line, p, '\t') - line;
        }
    }

    guest->max_depth = ngx_min(NGX_HTTP_WASM_MAX_CALL_DEPTH,
                               NGX_HTTP_WASM_STACK_BUDGET
                               / (max + NGX_HTTP_WASM_FRAME_SLACK));

    if (guest->max_depth < NGX_HTTP_WASM_MIN_CALL_DEPTH) {
        ngx_conf_log_error(level, cf, 0, "wasm: guest \"%V\" has a "
                           "function needing %uz bytes of native stack per "
                           "call (%*s): only %ui nested calls would fit in the "
                           "%uz KiB guests may use; split the function or "
                           "give it fewer locals", &guest->path, max,
                           name_len, name, guest->max_depth,
                           (size_t) NGX_HTTP_WASM_STACK_BUDGET / 1024);
        return NGX_ERROR;
    }

    ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0, "wasm: guest \"%V\": largest "
                       "frame %uz bytes, call depth limit %ui", &guest->path,
                       max, guest->max_depth);

    return NGX_OK;
}


/* the compiled guest and its frame sizes; what fails is logged at `level` */
static ngx_int_t
ngx_http_wasm_guest_attach(ngx_conf_t *cf, ngx_http_wasm_guest_t *guest,
    u_char *so_path, u_char *su_path, ngx_uint_t level)
{
    if (ngx_http_wasm_guest_open(cf, guest, so_path, level) != NGX_OK
        || ngx_http_wasm_guest_stack(cf, guest, su_path, level) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_wasm_md5_args(ngx_md5_t *md5, char **args)
{
    ngx_uint_t  i;

    for (i = 0; args[i]; i++) {
        /* with its NUL: "-a" "-b" differs from "-a-b" */
        ngx_md5_update(md5, args[i], ngx_strlen(args[i]) + 1);
    }
}


static ngx_int_t
ngx_http_wasm_check_export_conf(ngx_conf_t *cf, ngx_str_t *path,
    ngx_http_wasm_info_t *info, ngx_str_t *export)
{
    u_char  err[NGX_HTTP_WASM_ERRLEN];

    if (ngx_http_wasm_check_export(info, export, err, sizeof(err)) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" %s",
                           path, err);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The guest at `name` (relative to the prefix), loaded once per
 * configuration, after checking that it has the directive's export.
 */
ngx_http_wasm_guest_t *
ngx_http_wasm_guest_load(ngx_conf_t *cf, ngx_http_wasm_main_conf_t *wmcf,
    ngx_str_t *name, ngx_str_t *export, ngx_uint_t fuel)
{
    u_char                  *p, hash[33], so_path[NGX_MAX_PATH];
    u_char                   su_path[NGX_MAX_PATH];
    u_char                   err[NGX_HTTP_WASM_ERRLEN], digest[16];
    ngx_md5_t                md5;
    ngx_str_t                path, wasm;
    ngx_uint_t               i, reads_body, cached;
    ngx_msec_t               start;
    ngx_file_info_t          fi;
    ngx_http_wasm_info_t    *info;
    ngx_http_wasm_guest_t   *guest, **gp;
    const char              *type;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 0) != NGX_OK) {
        return NULL;
    }

    gp = wmcf->guests.elts;
    for (i = 0; i < wmcf->guests.nelts; i++) {
        if (gp[i]->path.len == path.len
            && ngx_strncmp(gp[i]->path.data, path.data, path.len) == 0
            && gp[i]->fuel == fuel)
        {
            if (ngx_http_wasm_check_export_conf(cf, &path, gp[i]->info,
                                                export)
                != NGX_OK)
            {
                return NULL;
            }

            return gp[i];
        }
    }

    /* the path is NUL-terminated for the tools and open() */
    p = ngx_pnalloc(cf->pool, path.len + 1);
    if (p == NULL) {
        return NULL;
    }
    ngx_memcpy(p, path.data, path.len);
    p[path.len] = '\0';
    path.data = p;

    /* stat() never blocks; read_whole_file() checks the fd again */
    if (ngx_file_info(path.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot read guest \"%V\"", &path);
        return NULL;
    }

    if (!ngx_is_file(&fi)) {
        type = ngx_is_dir(&fi) ? "a directory"
               : S_ISFIFO(fi.st_mode) ? "a FIFO"
               : S_ISCHR(fi.st_mode) ? "a character device"
               : S_ISBLK(fi.st_mode) ? "a block device"
               : S_ISSOCK(fi.st_mode) ? "a socket" : "of an unknown type";
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" is not "
                           "a regular file (%s)", &path, type);
        return NULL;
    }

    if (ngx_file_size(&fi) > NGX_HTTP_WASM_MAX_GUEST_SIZE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" is %O "
                           "bytes, more than the %d MiB this host reads",
                           &path, ngx_file_size(&fi),
                           NGX_HTTP_WASM_MAX_GUEST_SIZE / 1024 / 1024);
        return NULL;
    }

    switch (ngx_http_wasm_read_whole_file(cf->temp_pool, cf->log, path.data,
                                          &wasm, NGX_HTTP_WASM_MAX_GUEST_SIZE))
    {
    case NGX_OK:
        break;

    case NGX_DECLINED:
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" is not "
                           "a regular file (it was replaced while read)",
                           &path);
        return NULL;

    default:
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "wasm: cannot read guest \"%V\"", &path);
        return NULL;
    }

    info = ngx_http_wasm_parse(cf->temp_pool, wasm.data, wasm.len, err,
                               sizeof(err));
    if (info == NULL
        || ngx_http_wasm_check_guest(info, &reads_body, err, sizeof(err))
           != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\" %s",
                           &path, err);
        return NULL;
    }

    if (ngx_http_wasm_check_export_conf(cf, &path, info, export) != NGX_OK) {
        return NULL;
    }

    guest = ngx_pcalloc(cf->pool, sizeof(ngx_http_wasm_guest_t));
    if (guest == NULL) {
        return NULL;
    }

    guest->path = path;
    guest->info = info;
    guest->reads_body = reads_body;
    guest->fuel = fuel ? 1 : 0;

    /*
     * cache key: the wasm bytes, the ABI version, how cc compiles guests
     * (also when this module cannot read its own file), this module's build
     */
    ngx_md5_init(&md5);
    ngx_md5_update(&md5, wasm.data, wasm.len);
    ngx_md5_update(&md5, "ngx_wasm ABI " ngx_value(NGX_WASM_ABI_VERSION),
                   sizeof("ngx_wasm ABI " ngx_value(NGX_WASM_ABI_VERSION))
                   - 1);
    ngx_http_wasm_md5_args(&md5, ngx_http_wasm_cc_flags);
    ngx_http_wasm_md5_args(&md5, ngx_http_wasm_cc_libs);
    p = ngx_http_wasm_build_id(cf);
    ngx_md5_update(&md5, p, ngx_strlen(p));
    if (fuel) {
        ngx_md5_update(&md5, "fuel", sizeof("fuel") - 1);
    }
    ngx_md5_final(digest, &md5);
    *ngx_hex_dump(hash, digest, 16) = '\0';

    p = ngx_snprintf(so_path, sizeof(so_path) - 1, "%V/%s.so",
                     &wmcf->cache_path, hash);
    *p = '\0';

    p = ngx_snprintf(su_path, sizeof(su_path) - 1, "%V/%s.su",
                     &wmcf->cache_path, hash);
    *p = '\0';

    cached = ngx_file_info(so_path, &fi) == 0
             && ngx_file_info(su_path, &fi) == 0;

    if (cached) {
        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                           "wasm: using cached \"%V\"%s (%s)", &path,
                           fuel ? " with fuel" : "", so_path);

        if (ngx_http_wasm_guest_attach(cf, guest, so_path, su_path,
                                       NGX_LOG_WARN)
            == NGX_OK)
        {
            goto loaded;
        }

        /*
         * a cache entry this module cannot use (truncated, or written by
         * something else): the cache is ours to repair, not the user's
         */
        ngx_http_wasm_guest_cleanup(guest);

        ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "wasm: the cached \"%s\" of "
                           "guest \"%V\" cannot be used (see above): it is "
                           "deleted and compiled again", so_path, &path);

        (void) ngx_delete_file(so_path);
        (void) ngx_delete_file(su_path);
    }

    start = ngx_http_wasm_now_ms();

    if (ngx_http_wasm_compile(cf, &path, &wasm, &wmcf->cache_path, hash,
                              so_path, su_path,
                              ngx_http_wasm_has_imports(info), fuel)
        != NGX_OK)
    {
        return NULL;
    }

    ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                       "wasm: compiled \"%V\"%s in %M ms (%s)", &path,
                       fuel ? " with fuel" : "",
                       ngx_http_wasm_now_ms() - start, so_path);

    if (ngx_http_wasm_guest_attach(cf, guest, so_path, su_path,
                                   NGX_LOG_EMERG)
        != NGX_OK)
    {
        return NULL;
    }

loaded:

    gp = ngx_array_push(&wmcf->guests);
    if (gp == NULL) {
        return NULL;
    }

    *gp = guest;

    return guest;
}


/* the C symbol wasm2c 1.0.32 gives an export: Z_guestZ_<mangled name> */
char *
ngx_http_wasm_guest_export(ngx_conf_t *cf, ngx_http_wasm_guest_t *guest,
    ngx_str_t *name, uint32_t (**func)(void *))
{
    u_char                *p, *last, sym[512];
    ngx_uint_t             i;

    last = sym + sizeof(sym) - 1;
    p = ngx_cpymem(sym, "Z_guestZ_", sizeof("Z_guestZ_") - 1);

    for (i = 0; i < name->len && p < last - 3; i++) {
        if ((isalnum(name->data[i]) || name->data[i] == '_')
            && name->data[i] != 'Z')
        {
            *p++ = name->data[i];

        } else {
            p = ngx_sprintf(p, "Z%02Xd", (int) name->data[i]);
        }
    }

    *p = '\0';

    *func = (uint32_t (*)(void *)) dlsym(guest->handle, (char *) sym);
    if (*func == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wasm: guest \"%V\": the "
                           "compiled code has no symbol %s for export \"%V\"",
                           &guest->path, sym, name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_wasm_instance_cleanup(void *data)
{
    ngx_http_wasm_instance_t  *wi = data;

    /* a call suspended in its time slice is dropped with its stack */
    ngx_http_wasm_co_free(wi);

    if (wi->instantiated) {
        ngx_http_wasm_free_instance(wi);
        wi->instantiated = 0;
    }
}


/* the instance of this request for a phase: created on first use */
ngx_http_wasm_instance_t *
ngx_http_wasm_instance(ngx_http_request_t *r, ngx_http_wasm_ctx_t *ctx,
    ngx_http_wasm_phase_e phase, ngx_http_wasm_handler_t *handler)
{
    ngx_pool_cleanup_t        *cln;
    ngx_http_wasm_instance_t  *wi;

    wi = ctx->instances[phase];
    if (wi != NULL && wi->handler == handler) {
        return wi;
    }

    wi = ngx_pcalloc(r->pool, sizeof(ngx_http_wasm_instance_t));
    if (wi == NULL) {
        return NULL;
    }

    wi->instance = ngx_pcalloc(r->pool, handler->guest->instance_size);
    if (wi->instance == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_wasm_instance_cleanup;
    cln->data = wi;

    wi->request = r;
    wi->ctx = ctx;
    wi->handler = handler;
    wi->phase = phase;

    ctx->instances[phase] = wi;

    return wi;
}


/*
 * Call the handler export (instantiating first if needed). NGX_OK when it
 * returned 0; NGX_ERROR after one error-log line for a trap or another
 * return value.
 */
ngx_int_t
ngx_http_wasm_invoke(ngx_http_wasm_instance_t *wi)
{
    uint32_t                   result;
    const char                *note;
    wasm_rt_trap_t             trap;
    ngx_http_request_t        *r;
    ngx_http_wasm_limits_t     limits;
    ngx_http_wasm_loc_conf_t  *wlcf;

    r = wi->request;
    wlcf = ngx_http_get_module_loc_conf(r, ngx_http_wasm_module);

    limits.time = wlcf->time_limit;
    limits.fuel = 0;
    limits.slice = 0;

    if (!wi->instantiated) {
        wi->instantiated = 1;

        trap = ngx_http_wasm_rt_call(wi, NGX_HTTP_WASM_CALL_INSTANTIATE,
                                     &limits, &result);
        if (trap != WASM_RT_TRAP_NONE) {
            note = ngx_http_wasm_memory_note();
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "wasm: guest \"%V\" export \"%V\" (phase %s) "
                          "trapped while instantiating: %s%s%s",
                          &wi->handler->guest->path, &wi->handler->export,
                          ngx_http_wasm_phase_names[wi->phase],
                          note ? note : "", note ? ", then: " : "",
                          ngx_http_wasm_trap_reason(trap));
            return NGX_ERROR;
        }
    }

    limits.fuel = wlcf->fuel_limit;

    /* only the phases that can wait (as after a yield) run in time slices */
    if (wi->phase == NGX_HTTP_WASM_SERVER_REWRITE
        || wi->phase == NGX_HTTP_WASM_REWRITE
        || wi->phase == NGX_HTTP_WASM_ACCESS
        || wi->phase == NGX_HTTP_WASM_CONTENT)
    {
        limits.slice = wlcf->timeslice_fuel;
    }

    if (wi->suspended) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "wasm: %s resumes its time-sliced call",
                       ngx_http_wasm_phase_names[wi->phase]);

        trap = ngx_http_wasm_rt_resume(wi, &result);

    } else {
        wi->yielded = 0;
        trap = ngx_http_wasm_rt_call(wi, NGX_HTTP_WASM_CALL_EXPORT, &limits,
                                     &result);
    }

    if (trap == (wasm_rt_trap_t) NGX_HTTP_WASM_SUSPENDED) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "wasm: %s used a time slice, suspended",
                       ngx_http_wasm_phase_names[wi->phase]);
        return NGX_OK;
    }

    /* a refused memory.grow is what a trap or failure after it is about */
    note = ngx_http_wasm_memory_note();

    if (trap != WASM_RT_TRAP_NONE) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "wasm: guest \"%V\" export \"%V\" (phase %s) "
                      "trapped: %s%s%s",
                      &wi->handler->guest->path, &wi->handler->export,
                      ngx_http_wasm_phase_names[wi->phase],
                      note ? note : "", note ? ", then: " : "",
                      ngx_http_wasm_trap_reason(trap));
        return NGX_ERROR;
    }

    if (result != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "wasm: guest \"%V\" export \"%V\" (phase %s) "
                      "returned %D%s%s%s",
                      &wi->handler->guest->path, &wi->handler->export,
                      ngx_http_wasm_phase_names[wi->phase], (int32_t) result,
                      note ? " (" : "", note ? note : "", note ? ")" : "");
        return NGX_ERROR;
    }

    return NGX_OK;
}

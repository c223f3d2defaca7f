/*
 * nginx's ngx_slprintf()/ngx_vslprintf() for the fuzz target, which links
 * no nginx object (nginx-dev ships headers only). Only the conversions the
 * reader's messages use: %s, %V, %c, %d, %i, %D, %z with the u, x, X and
 * 0<width> modifiers, %%. Anything else aborts, so a message that starts
 * using another conversion fails the fuzz run instead of passing
 * unchecked. Like nginx, it never writes at or past `last`.
 */

#include <ngx_config.h>
#include <ngx_core.h>


static u_char *
ngx_fuzz_num(u_char *buf, u_char *last, uint64_t ui64, ngx_uint_t negative,
    ngx_uint_t hex, u_char zero, ngx_uint_t width)
{
    u_char       tmp[32], *p;
    ngx_uint_t   len;

    static const u_char  lower[] = "0123456789abcdef";
    static const u_char  upper[] = "0123456789ABCDEF";

    p = tmp + sizeof(tmp);

    do {
        if (hex) {
            *--p = (hex == 1 ? lower : upper)[ui64 & 0xf];
            ui64 >>= 4;

        } else {
            *--p = (u_char) ('0' + ui64 % 10);
            ui64 /= 10;
        }
    } while (ui64);

    len = (tmp + sizeof(tmp)) - p;

    if (negative && buf < last) {
        *buf++ = '-';
    }

    while (len < width && buf < last) {
        *buf++ = zero;
        width--;
    }

    while (p < tmp + sizeof(tmp) && buf < last) {
        *buf++ = *p++;
    }

    return buf;
}


u_char *
ngx_vslprintf(u_char *buf, u_char *last, const char *fmt, va_list args)
{
    u_char      *s, zero;
    size_t       slen, len;
    int64_t      i64;
    uint64_t     ui64;
    ngx_str_t   *v;
    ngx_uint_t   width, sign, hex, negative;

    while (*fmt && buf < last) {

        if (*fmt != '%') {
            *buf++ = *fmt++;
            continue;
        }

        fmt++;

        zero = (u_char) ((*fmt == '0') ? '0' : ' ');
        width = 0;
        sign = 1;
        hex = 0;
        slen = (size_t) -1;

        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }

        for ( ;; ) {
            switch (*fmt) {
            case 'u':
                sign = 0;
                fmt++;
                continue;
            case 'x':
                hex = 1;
                sign = 0;
                fmt++;
                continue;
            case 'X':
                hex = 2;
                sign = 0;
                fmt++;
                continue;
            case '*':
                slen = va_arg(args, size_t);
                fmt++;
                continue;
            }

            break;
        }

        i64 = 0;
        ui64 = 0;

        switch (*fmt) {

        case 's':
            s = va_arg(args, u_char *);
            if (slen == (size_t) -1) {
                slen = ngx_strlen(s);
            }
            len = ngx_min((size_t) (last - buf), slen);
            buf = ngx_cpymem(buf, s, len);
            fmt++;
            continue;

        case 'V':
            v = va_arg(args, ngx_str_t *);
            len = ngx_min((size_t) (last - buf), v->len);
            buf = ngx_cpymem(buf, v->data, len);
            fmt++;
            continue;

        case 'c':
            *buf++ = (u_char) (va_arg(args, int) & 0xff);
            fmt++;
            continue;

        case '%':
            *buf++ = '%';
            fmt++;
            continue;

        case 'd':
            if (sign) {
                i64 = va_arg(args, int);
            } else {
                ui64 = va_arg(args, u_int);
            }
            break;

        case 'i':
            if (sign) {
                i64 = va_arg(args, ngx_int_t);
            } else {
                ui64 = va_arg(args, ngx_uint_t);
            }
            break;

        case 'D':
            if (sign) {
                i64 = va_arg(args, int32_t);
            } else {
                ui64 = va_arg(args, uint32_t);
            }
            break;

        case 'z':
            if (sign) {
                i64 = va_arg(args, ssize_t);
            } else {
                ui64 = va_arg(args, size_t);
            }
            break;

        default:
            fprintf(stderr, "ngx_string_stub.c: unsupported conversion "
                    "in \"%s\"\n", fmt);
            abort();
        }

        negative = 0;

        if (sign) {
            negative = i64 < 0;
            ui64 = negative ? (uint64_t) -(i64 + 1) + 1 : (uint64_t) i64;
        }

        buf = ngx_fuzz_num(buf, last, ui64, negative, hex, zero, width);
        fmt++;
    }

    return buf;
}


u_char * ngx_cdecl
ngx_slprintf(u_char *buf, u_char *last, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, last, fmt, args);
    va_end(args);

    return p;
}

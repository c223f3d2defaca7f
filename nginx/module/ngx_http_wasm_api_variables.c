/*
 * ngx_wasm_var_get / ngx_wasm_var_set: nginx variables by (lower-cased,
 * hashed) name, as `set` and the script engine see them.
 */

#include "ngx_http_wasm_module.h"


/* the guest's name, lower-cased into the request pool; its hash in *key */
static ngx_int_t
ngx_http_wasm_var_name(ngx_http_wasm_instance_t *wi, uint32_t ptr,
    uint32_t len, ngx_str_t *name, ngx_uint_t *key, ngx_uint_t function)
{
    u_char  *p;

    p = ngx_http_wasm_guest_mem(wi, ptr, len, function);

    if (len == 0) {
        return NGX_ERROR;
    }

    name->data = ngx_pnalloc(wi->request->pool, len);
    if (name->data == NULL) {
        return NGX_ERROR;
    }

    name->len = len;
    *key = ngx_hash_strlow(name->data, p, len);

    return NGX_OK;
}


uint32_t
Z_envZ_ngx_wasm_var_get(ngx_http_wasm_instance_t *env, uint32_t name_ptr,
    uint32_t name_len, uint32_t buf, uint32_t buf_len)
{
    int32_t                     rc;
    ngx_str_t                   name;
    ngx_uint_t                  key;
    ngx_http_wasm_instance_t   *wi;
    ngx_http_variable_value_t  *vv;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_var_get);

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(buf, buf_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    /* both ranges are checked before nginx does any work */
    (void) ngx_http_wasm_guest_mem(wi, buf, buf_len,
                                   NGX_HTTP_WASM_FN_ngx_wasm_var_get);

    if (ngx_http_wasm_var_name(wi, name_ptr, name_len, &name, &key,
                               NGX_HTTP_WASM_FN_ngx_wasm_var_get)
        != NGX_OK)
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    vv = ngx_http_get_variable(wi->request, &name, key);

    if (vv == NULL) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    if (vv->not_found) {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    rc = ngx_http_wasm_copy_out(wi, buf, buf_len, vv->data, vv->len,
                                NGX_HTTP_WASM_FN_ngx_wasm_var_get);

    return ngx_http_wasm_host_end(rc);
}


uint32_t
Z_envZ_ngx_wasm_var_set(ngx_http_wasm_instance_t *env, uint32_t name_ptr,
    uint32_t name_len, uint32_t value_ptr, uint32_t value_len)
{
    u_char                     *value;
    ngx_str_t                   name;
    ngx_uint_t                  key;
    ngx_http_request_t         *r;
    ngx_http_variable_t        *v;
    ngx_http_wasm_instance_t   *wi;
    ngx_http_core_main_conf_t  *cmcf;
    ngx_http_variable_value_t  *vv;

    wi = ngx_http_wasm_host_begin(env, NGX_HTTP_WASM_FN_ngx_wasm_var_set);
    r = wi->request;

    if (ngx_http_wasm_negative(name_ptr, name_len)
        || ngx_http_wasm_negative(value_ptr, value_len))
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    value = ngx_http_wasm_copy_in(wi, value_ptr, value_len,
                                  NGX_HTTP_WASM_FN_ngx_wasm_var_set);
    if (value == NULL) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    if (ngx_http_wasm_var_name(wi, name_ptr, name_len, &name, &key,
                               NGX_HTTP_WASM_FN_ngx_wasm_var_set)
        != NGX_OK)
    {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    v = ngx_hash_find(&cmcf->variables_hash, key, name.data, name.len);

    if (v == NULL) {
        return ngx_http_wasm_host_end(NGX_WASM_NOT_FOUND);
    }

    if (!(v->flags & NGX_HTTP_VAR_CHANGEABLE)) {
        return ngx_http_wasm_host_end(NGX_WASM_ERROR);
    }

    if (v->set_handler) {
        vv = ngx_pcalloc(r->pool, sizeof(ngx_http_variable_value_t));
        if (vv == NULL) {
            return ngx_http_wasm_host_end(NGX_WASM_ERROR);
        }

        vv->valid = 1;
        vv->data = value;
        vv->len = value_len;

        v->set_handler(r, vv, v->data);

        return ngx_http_wasm_host_end(NGX_WASM_OK);
    }

    if (v->flags & NGX_HTTP_VAR_INDEXED) {
        vv = &r->variables[v->index];

        vv->valid = 1;
        vv->not_found = 0;
        vv->no_cacheable = 0;
        vv->data = value;
        vv->len = value_len;

        return ngx_http_wasm_host_end(NGX_WASM_OK);
    }

    return ngx_http_wasm_host_end(NGX_WASM_ERROR);
}

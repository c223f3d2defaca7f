/*
 * ngx_wasm_var_get / ngx_wasm_var_set: nginx variables by (lower-cased,
 * hashed) name, as `set` and the script engine see them.
 */

#include "ngx_http_wasm_module.h"


/* the guest's name, lower-cased into the request pool; its hash in *key */
static ngx_int_t
ngx_http_wasm_var_name(ngx_http_wasm_instance_t *wi, u_char *p, size_t len,
    ngx_str_t *name, ngx_uint_t *key)
{
    name->data = ngx_pnalloc(wi->request->pool, len);
    if (name->data == NULL) {
        return NGX_ERROR;
    }

    name->len = len;
    *key = ngx_hash_strlow(name->data, p, len);

    return NGX_OK;
}


/* a name nginx computes from a prefix variable ($arg_, $http_, $cookie_...) */
static ngx_uint_t
ngx_http_wasm_var_prefixed(ngx_http_core_main_conf_t *cmcf, ngx_str_t *name)
{
    ngx_uint_t            i;
    ngx_http_variable_t  *v;

    v = cmcf->prefix_variables.elts;

    for (i = 0; i < cmcf->prefix_variables.nelts; i++) {
        if (name->len >= v[i].name.len
            && ngx_strncmp(name->data, v[i].name.data, v[i].name.len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


int32_t
ngx_http_wasm_var_get(ngx_http_wasm_instance_t *wi, u_char *name_data,
    size_t name_len, u_char *buf, size_t buf_len)
{
    ngx_str_t                   name;
    ngx_uint_t                  key;
    ngx_http_variable_value_t  *vv;

    if (name_len == 0) {
        /* no variable has an empty name: unknown, as on the TS host */
        return NGX_WASM_NOT_FOUND;
    }

    if (ngx_http_wasm_var_name(wi, name_data, name_len, &name, &key)
        != NGX_OK)
    {
        return NGX_WASM_ERROR;
    }

    vv = ngx_http_get_variable(wi->request, &name, key);

    if (vv == NULL) {
        return NGX_WASM_ERROR;
    }

    if (vv->not_found) {
        return NGX_WASM_NOT_FOUND;
    }

    return ngx_http_wasm_copy_out(buf, buf_len, vv->data, vv->len);
}


int32_t
ngx_http_wasm_var_set(ngx_http_wasm_instance_t *wi, u_char *name_data,
    size_t name_len, u_char *value_data, size_t value_len)
{
    u_char                     *value;
    ngx_str_t                   name;
    ngx_uint_t                  key;
    ngx_http_request_t         *r;
    ngx_http_variable_t        *v;
    ngx_http_core_main_conf_t  *cmcf;
    ngx_http_variable_value_t  *vv;

    r = wi->request;

    if (name_len == 0) {
        return NGX_WASM_NOT_FOUND;
    }

    value = ngx_http_wasm_copy_in(wi, value_data, value_len);
    if (value == NULL) {
        return NGX_WASM_ERROR;
    }

    if (ngx_http_wasm_var_name(wi, name_data, name_len, &name, &key)
        != NGX_OK)
    {
        return NGX_WASM_ERROR;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    v = ngx_hash_find(&cmcf->variables_hash, key, name.data, name.len);

    if (v == NULL) {
        /* $arg_x, $http_x, ...: known (readable), computed, not changeable */
        return ngx_http_wasm_var_prefixed(cmcf, &name) ? NGX_WASM_ERROR
                                                        : NGX_WASM_NOT_FOUND;
    }

    if (!(v->flags & NGX_HTTP_VAR_CHANGEABLE)) {
        return NGX_WASM_ERROR;
    }

    if (v->set_handler) {
        vv = ngx_pcalloc(r->pool, sizeof(ngx_http_variable_value_t));
        if (vv == NULL) {
            return NGX_WASM_ERROR;
        }

        vv->valid = 1;
        vv->data = value;
        vv->len = value_len;

        v->set_handler(r, vv, v->data);

        return NGX_WASM_OK;
    }

    if (v->flags & NGX_HTTP_VAR_INDEXED) {
        vv = &r->variables[v->index];

        vv->valid = 1;
        vv->not_found = 0;
        vv->no_cacheable = 0;
        vv->data = value;
        vv->len = value_len;

        return NGX_WASM_OK;
    }

    return NGX_WASM_ERROR;
}

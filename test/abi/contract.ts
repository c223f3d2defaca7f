// The ngx_wasm host ABI v1 this project targets, as its contract states it:
// every host function with its parameters (all i32) and its results.
// Transcribed once from the contract the project was given, so the suite
// needs nothing outside the repository; host-abi/abi.json, the maintained
// source, must define exactly these functions with these parameters.

export const CONTRACT_FUNCTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ["ngx_wasm_log", ["level", "ptr", "len"]], // 0
  ["ngx_wasm_resp_set_status", ["status"]], // 0 / -2
  ["ngx_wasm_resp_get_status", []], // status
  ["ngx_wasm_resp_set_header", ["name_ptr", "name_len", "value_ptr", "value_len"]], // 0 / -2
  ["ngx_wasm_resp_get_header", ["name_ptr", "name_len", "buf_ptr", "buf_len"]], // len / -1 / -2
  ["ngx_wasm_resp_write", ["ptr", "len"]], // 0 / -2
  ["ngx_wasm_resp_get_body_chunk", ["buf_ptr", "buf_len"]], // len / -1 / -2
  ["ngx_wasm_resp_get_body_chunk_eof", []], // 1 last chunk, 0 not, -1 none
  ["ngx_wasm_resp_set_body_chunk", ["ptr", "len"]], // 0 / -2
  ["ngx_wasm_req_get_header", ["name_ptr", "name_len", "buf_ptr", "buf_len"]], // len / -1 / -2
  ["ngx_wasm_req_set_header", ["name_ptr", "name_len", "value_ptr", "value_len"]], // 0 / -2
  ["ngx_wasm_req_get_body", ["buf_ptr", "buf_len"]], // len / -1 (no body read) / -2
  ["ngx_wasm_var_get", ["name_ptr", "name_len", "buf_ptr", "buf_len"]], // len / -1 unknown or not found / -2
  ["ngx_wasm_var_set", ["name_ptr", "name_len", "value_ptr", "value_len"]], // 0 / -1 unknown / -2 not changeable
  ["ngx_wasm_time_unix_ms", ["buf_ptr", "buf_len"]], // 0 / -2
  ["ngx_wasm_time_monotonic_ms", ["buf_ptr", "buf_len"]], // 0 / -2
  ["ngx_wasm_shm_get", ["key_ptr", "key_len", "buf_ptr", "buf_len"]], // len / -1 / -2
  ["ngx_wasm_shm_exists", ["key_ptr", "key_len"]], // 1 / 0 / -2
  ["ngx_wasm_shm_set", ["key_ptr", "key_len", "value_ptr", "value_len"]], // 0 / -2
  ["ngx_wasm_shm_set_ex", ["key_ptr", "key_len", "value_ptr", "value_len", "ttl_msec"]], // 0 / -2
  ["ngx_wasm_shm_add", ["key_ptr", "key_len", "value_ptr", "value_len"]], // 0 / -1 exists / -2
  ["ngx_wasm_shm_replace", ["key_ptr", "key_len", "value_ptr", "value_len"]], // 0 / -1 missing / -2
  ["ngx_wasm_shm_incr", ["key_ptr", "key_len", "delta"]], // new value / -2
  ["ngx_wasm_shm_delete", ["key_ptr", "key_len"]], // 0 / -2
  ["ngx_wasm_metric_counter_inc", ["name_ptr", "name_len", "delta"]], // 0 / -2
  ["ngx_wasm_metric_gauge_set", ["name_ptr", "name_len", "value"]], // 0 / -2
  ["ngx_wasm_metric_gauge_add", ["name_ptr", "name_len", "delta"]], // 0 / -2
  ["ngx_wasm_subreq_set_header", ["name_ptr", "name_len", "value_ptr", "value_len"]], // 0 / -2
  ["ngx_wasm_subreq", ["uri_ptr", "uri_len", "args_ptr", "args_len", "method", "options"]], // 0 / -2
  ["ngx_wasm_subreq_get_status", []], // status / -2
  ["ngx_wasm_subreq_get_header", ["name_ptr", "name_len", "buf_ptr", "buf_len"]], // len / -1 / -2
  ["ngx_wasm_subreq_get_body", ["buf_ptr", "buf_len"]], // copied len / -2
  ["ngx_wasm_subreq_get_body_len", []], // len / -2
  ["ngx_wasm_yield", []], // 0
  ["ngx_wasm_balancer_set_peer", ["peer_index"]], // 0 / -2
  ["ngx_wasm_ssl_get_server_name", ["buf_ptr", "buf_len"]], // len / -1
  ["ngx_wasm_ssl_reject_handshake", ["alert"]], // 0
  ["ngx_wasm_ssl_set_certificate", ["cert_ptr", "cert_len", "key_ptr", "key_len"]], // 0 / -2
]);

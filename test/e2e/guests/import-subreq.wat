;; config-time failure on this host: subrequests are part of the ABI but
;; not implemented by the nginx module yet
(module
  (import "env" "ngx_wasm_subreq_get_status" (func $subreq_get_status (result i32)))
  (memory (export "memory") 1)
  (func (export "on_content") (result i32) (i32.const 0)))

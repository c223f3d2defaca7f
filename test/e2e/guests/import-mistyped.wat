;; config-time failure: an ABI function imported with the wrong type
(module
  (import "env" "ngx_wasm_log" (func $log (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "on_content") (result i32) (i32.const 0)))

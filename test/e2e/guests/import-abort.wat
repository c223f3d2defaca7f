;; config-time failure: imports env.abort, which is not in the ABI
;; (what a plain AssemblyScript build does)
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "on_content") (result i32) (i32.const 0)))

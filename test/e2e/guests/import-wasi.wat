;; config-time failure: imports from a module other than "env" (WASI)
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "on_content") (result i32) (i32.const 0)))

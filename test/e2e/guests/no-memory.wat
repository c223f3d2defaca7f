;; config-time failure: a handler but no exported memory
(module
  (func (export "on_content") (result i32) (i32.const 0)))

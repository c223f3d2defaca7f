;; config-time failure: uses SIMD (v128), which the host's compiler does not support
(module
  (memory (export "memory") 1)
  (func (export "on_content") (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (i32.const 0)))))

;; body-memory: body filters (read, replace, drop) for the bounded-memory suite
;; (test/e2e/body-filter-memory.test.ts), and a guest that exhausts its
;; memory. Raw ABI calls, no (str ...) strings, so plain wat2wasm assembles
;; it too (for measuring by hand).
;;
;; Memory: the current chunk at BUF (65536..), grown to fit the largest chunk
;; once; nothing else is allocated per chunk.
(module
  (import "env" "ngx_wasm_resp_get_body_chunk" (func $get_chunk (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_set_body_chunk" (func $set_chunk (param i32 i32) (result i32)))

  (memory (export "memory") 1)

  (global $BUF i32 (i32.const 65536))

  ;; make memory cover [0, end); 0 when it does, -1 when memory.grow refused
  (func $reserve (param $end i32) (result i32)
    (local $need i32)
    (local.set $need
      (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then
        (if (i32.lt_s (memory.grow (local.get $need)) (i32.const 0))
          (then (return (i32.const -1))))))
    (i32.const 0))

  ;; the current chunk copied to BUF; returns its length
  (func $read (result i32)
    (local $n i32)
    (local.set $n (call $get_chunk (global.get $BUF) (i32.const 0)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (unreachable)))
    (if (i32.lt_s (call $reserve (i32.add (global.get $BUF) (local.get $n))) (i32.const 0))
      (then (unreachable)))
    (if (i32.ne (call $get_chunk (global.get $BUF) (local.get $n)) (local.get $n))
      (then (unreachable)))
    (local.get $n))

  ;; pass-through: reads every byte of the chunk, replaces nothing
  (func (export "on_pass") (result i32)
    (drop (call $read))
    (i32.const 0))

  ;; rewriting: the chunk upper-cased (a-z only), as the replacement
  (func (export "on_upper") (result i32)
    (local $n i32) (local $i i32) (local $p i32) (local $c i32)
    (local.set $n (call $read))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (global.get $BUF) (local.get $i)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (i32.store8 (local.get $p) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (if (i32.ne (call $set_chunk (global.get $BUF) (local.get $n)) (i32.const 0))
      (then (unreachable)))
    (i32.const 0))

  ;; drops every chunk: an empty replacement
  (func (export "on_drop") (result i32)
    (drop (call $read))
    (if (i32.ne (call $set_chunk (global.get $BUF) (i32.const 0)) (i32.const 0))
      (then (unreachable)))
    (i32.const 0))

  ;; grows memory one page at a time until memory.grow refuses, then traps
  ;; the way AssemblyScript's allocator does (unreachable); for any phase
  (func (export "on_exhaust") (result i32)
    (block $refused
      (loop $grow
        (br_if $refused (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)))
        (br $grow)))
    (unreachable))
)

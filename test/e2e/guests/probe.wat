;; probe: one guest with a handler per behaviour the end-to-end and
;; conformance suites check. Raw ABI calls, so each test knows exactly which
;; host functions run. String operands (str ...) are expanded by test/e2e/wat.ts.
;;
;; Memory: strings at 1024.., SCRATCH (8 KiB) at 8192 for headers/variables,
;; BIG at 65536 for bodies (grown on demand).
(module
  (import "env" "ngx_wasm_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_set_status" (func $set_status (param i32) (result i32)))
  (import "env" "ngx_wasm_resp_get_status" (func $get_status (result i32)))
  (import "env" "ngx_wasm_resp_set_header" (func $set_resp_header (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_get_header" (func $get_resp_header (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_write" (func $write (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_get_body_chunk" (func $get_chunk (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_resp_get_body_chunk_eof" (func $chunk_eof (result i32)))
  (import "env" "ngx_wasm_resp_set_body_chunk" (func $set_chunk (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_req_get_header" (func $get_req_header (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_req_set_header" (func $set_req_header (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_req_get_body" (func $get_body (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_var_get" (func $var_get (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_var_set" (func $var_set (param i32 i32 i32 i32) (result i32)))
  (import "env" "ngx_wasm_time_unix_ms" (func $time_unix_ms (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_time_monotonic_ms" (func $time_monotonic_ms (param i32 i32) (result i32)))
  (import "env" "ngx_wasm_yield" (func $yield (result i32)))

  (memory (export "memory") 1)

  (global $SCRATCH i32 (i32.const 8192))
  (global $SCRATCH_LEN i32 (i32.const 8192))
  (global $BIG i32 (i32.const 65536))
  ;; per-request state kept across re-invocations (yield) and body chunks
  (global $yields (mut i32) (i32.const 0))
  (global $chunks (mut i32) (i32.const 0))

  ;; make memory cover [0, end)
  (func $reserve (param $end i32)
    (local $need i32)
    (local.set $need
      (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then (drop (memory.grow (local.get $need))))))

  ;; decimal digits of a non-negative $n at $dst; returns the length
  (func $itoa (param $n i32) (param $dst i32) (result i32)
    (local $len i32) (local $t i32) (local $i i32)
    (local.set $len (i32.const 1))
    (local.set $t (i32.div_u (local.get $n) (i32.const 10)))
    (block $done
      (loop $count
        (br_if $done (i32.eqz (local.get $t)))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
        (br $count)))
    (local.set $i (local.get $len))
    (local.set $t (local.get $n))
    (loop $emit
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $t) (i32.const 10))))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (br_if $emit (i32.gt_s (local.get $i) (i32.const 0))))
    (local.get $len))

  ;; decimal of a signed $n at $dst ("-2"); returns the length
  (func $itoa_signed (param $n i32) (param $dst i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (i32.store8 (local.get $dst) (i32.const 45))
        (i32.add (i32.const 1)
          (call $itoa (i32.sub (i32.const 0) (local.get $n)) (i32.add (local.get $dst) (i32.const 1)))))
      (else (call $itoa (local.get $n) (local.get $dst)))))

  ;; copy [$src, $src+$len) to $dst; returns $dst + $len
  (func $append (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))
    (i32.add (local.get $dst) (local.get $len)))

  ;; content: fixed body, one custom header, default status and content type
  (func (export "on_content") (result i32)
    (drop (call $set_resp_header (str "X-Probe") (str "content")))
    (drop (call $write (str "content ok\n")))
    (i32.const 0))

  ;; content: explicit status and a Content-Type that overrides the default
  (func (export "on_json") (result i32)
    (drop (call $set_status (i32.const 201)))
    (drop (call $set_resp_header (str "Content-Type") (str "application/json")))
    (drop (call $write (str "{\"ok\":true}")))
    (i32.const 0))

  ;; resp_write sets the body: the second call replaces the first
  (func (export "on_write_twice") (result i32)
    (drop (call $write (str "first body")))
    (drop (call $write (str "second body")))
    (i32.const 0))

  ;; request header lookup is case-insensitive: asks for "x-demo"
  (func (export "on_echo_header") (result i32)
    (local $n i32)
    (local.set $n (call $get_req_header (str "x-demo") (global.get $SCRATCH) (global.get $SCRATCH_LEN)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (drop (call $write (str "x-demo: absent"))))
      (else
        (drop (call $set_resp_header (str "X-Echo") (global.get $SCRATCH) (local.get $n)))
        (drop (call $write (global.get $SCRATCH) (local.get $n)))))
    (i32.const 0))

  ;; variables: body = $arg_name (or "name: unset"), header X-Uri = $uri
  (func (export "on_var") (result i32)
    (local $n i32)
    (local.set $n (call $var_get (str "uri") (global.get $SCRATCH) (global.get $SCRATCH_LEN)))
    (if (i32.ge_s (local.get $n) (i32.const 0))
      (then (drop (call $set_resp_header (str "X-Uri") (global.get $SCRATCH) (local.get $n)))))
    (local.set $n (call $var_get (str "arg_name") (global.get $SCRATCH) (global.get $SCRATCH_LEN)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (drop (call $write (str "name: unset"))))
      (else (drop (call $write (global.get $SCRATCH) (local.get $n)))))
    (i32.const 0))

  ;; request body echo; X-Body-Length = the full length the host reported;
  ;; -1 (no body read) answers 400, -2 (over wasm_request_body_buffer_size) 413
  (func (export "on_echo_body") (result i32)
    (local $n i32) (local $got i32)
    (local.set $n (call $get_body (global.get $BIG) (i32.const 0)))
    (if (i32.eq (local.get $n) (i32.const -1))
      (then
        (drop (call $set_status (i32.const 400)))
        (drop (call $write (str "no request body")))
        (return (i32.const 0))))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (drop (call $set_status (i32.const 413)))
        (drop (call $write (str "request body too large")))
        (return (i32.const 0))))
    (call $reserve (i32.add (global.get $BIG) (local.get $n)))
    (local.set $got (call $get_body (global.get $BIG) (local.get $n)))
    (drop (call $set_resp_header (str "X-Body-Length") (global.get $SCRATCH)
      (call $itoa (local.get $got) (global.get $SCRATCH))))
    (drop (call $write (global.get $BIG) (local.get $n)))
    (i32.const 0))

  ;; rewrite: change a request header and fall through to the next phase
  (func (export "on_rewrite_pass") (result i32)
    (drop (call $set_req_header (str "X-Demo") (str "set by rewrite")))
    (i32.const 0))

  ;; rewrite: produce the response; later phases (content) are skipped
  (func (export "on_rewrite_stop") (result i32)
    (drop (call $set_status (i32.const 403)))
    (drop (call $write (str "stopped by rewrite\n")))
    (i32.const 0))

  ;; rewrite: a status alone (redirect) also short-circuits
  (func (export "on_redirect") (result i32)
    (drop (call $set_status (i32.const 302)))
    (drop (call $set_resp_header (str "Location") (str "/elsewhere")))
    (i32.const 0))

  ;; access: 401 without an X-Key request header, fall through with one
  (func (export "on_access") (result i32)
    (if (i32.lt_s (call $get_req_header (str "X-Key") (global.get $SCRATCH) (global.get $SCRATCH_LEN)) (i32.const 0))
      (then
        (drop (call $set_status (i32.const 401)))
        (drop (call $write (str "missing X-Key\n")))))
    (i32.const 0))

  ;; header filter: add a header, copy the response Content-Type into another
  (func (export "on_header") (result i32)
    (local $n i32)
    (local.set $n (call $get_resp_header (str "content-type") (global.get $SCRATCH) (global.get $SCRATCH_LEN)))
    (if (i32.ge_s (local.get $n) (i32.const 0))
      (then (drop (call $set_resp_header (str "X-Seen-Content-Type") (global.get $SCRATCH) (local.get $n)))))
    (drop (call $set_resp_header (str "X-Header-Filter") (str "seen")))
    (i32.const 0))

  ;; body filter: upper-case each chunk; the last one gets "|chunks=N|EOF"
  (func (export "on_body") (result i32)
    (local $n i32) (local $i i32) (local $c i32) (local $end i32)
    (global.set $chunks (i32.add (global.get $chunks) (i32.const 1)))
    (local.set $n (call $get_chunk (global.get $BIG) (i32.const 0)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (local.set $n (i32.const 0))))
    (call $reserve (i32.add (i32.add (global.get $BIG) (local.get $n)) (i32.const 64)))
    (local.set $n (call $get_chunk (global.get $BIG) (local.get $n)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (local.set $n (i32.const 0))))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (global.get $BIG) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (i32.add (global.get $BIG) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.set $end (i32.add (global.get $BIG) (local.get $n)))
    (if (i32.eq (call $chunk_eof) (i32.const 1))
      (then
        (local.set $end (call $append (local.get $end) (str "|chunks=")))
        (local.set $end (i32.add (local.get $end) (call $itoa (global.get $chunks) (local.get $end))))
        (local.set $end (call $append (local.get $end) (str "|EOF")))))
    (drop (call $set_chunk (global.get $BIG) (i32.sub (local.get $end) (global.get $BIG))))
    (i32.const 0))

  ;; var_set on a changeable variable ($myvar, from `set`), an unknown one and
  ;; a read-only one; the three return codes go to request header X-Var-Set
  ;; ("0,-1,-2" on a conforming host) for the next handler to show
  (func (export "on_var_set") (result i32)
    (local $end i32)
    (local.set $end (global.get $SCRATCH))
    (local.set $end (i32.add (local.get $end)
      (call $itoa_signed (call $var_set (str "myvar") (str "set by guest")) (local.get $end))))
    (local.set $end (call $append (local.get $end) (str ",")))
    (local.set $end (i32.add (local.get $end)
      (call $itoa_signed (call $var_set (str "no_such_variable_here") (str "x")) (local.get $end))))
    (local.set $end (call $append (local.get $end) (str ",")))
    (local.set $end (i32.add (local.get $end)
      (call $itoa_signed (call $var_set (str "remote_addr") (str "1.2.3.4")) (local.get $end))))
    (drop (call $set_req_header (str "X-Var-Set") (global.get $SCRATCH)
      (i32.sub (local.get $end) (global.get $SCRATCH))))
    (i32.const 0))

  ;; time: body = unix ms then monotonic ms, each a little-endian u64 (16 bytes)
  (func (export "on_time") (result i32)
    (drop (call $time_unix_ms (global.get $SCRATCH) (i32.const 8)))
    (drop (call $time_monotonic_ms (i32.add (global.get $SCRATCH) (i32.const 8)) (i32.const 8)))
    (drop (call $write (global.get $SCRATCH) (i32.const 16)))
    (i32.const 0))

  ;; getters return the full length even when the buffer is smaller: body =
  ;; "<length>:<what fit in 4 bytes>" for request header X-Long
  (func (export "on_short_buffer") (result i32)
    (local $n i32) (local $end i32)
    (local.set $n (call $get_req_header (str "X-Long") (i32.add (global.get $SCRATCH) (i32.const 4096)) (i32.const 4)))
    (local.set $end (i32.add (global.get $SCRATCH) (call $itoa_signed (local.get $n) (global.get $SCRATCH))))
    (local.set $end (call $append (local.get $end) (str ":")))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (local.set $end (call $append (local.get $end) (i32.add (global.get $SCRATCH) (i32.const 4096))
        (select (local.get $n) (i32.const 4) (i32.lt_s (local.get $n) (i32.const 4)))))))
    (drop (call $write (global.get $SCRATCH) (i32.sub (local.get $end) (global.get $SCRATCH))))
    (i32.const 0))

  ;; log: guest bytes are never a format string, and messages are cut at 1024
  ;; bytes: a WARN line with printf/nginx conversions, then an ERR line of
  ;; 2000 "x" followed by "TAIL"
  (func (export "on_log_tricky") (result i32)
    (drop (call $log (i32.const 5) (str "probe fmt %s %d %V %p %n 100% literal")))
    (call $reserve (i32.add (global.get $BIG) (i32.const 4096)))
    (memory.fill (global.get $BIG) (i32.const 120) (i32.const 2000))
    (drop (call $append (i32.add (global.get $BIG) (i32.const 2000)) (str "TAIL")))
    (drop (call $log (i32.const 4) (global.get $BIG) (i32.const 2004)))
    (drop (call $write (str "logged")))
    (i32.const 0))

  ;; log phase: one NOTICE line with the response status
  (func (export "on_log") (result i32)
    (local $end i32)
    (local.set $end (call $append (global.get $SCRATCH) (str "probe on_log status=")))
    (local.set $end (i32.add (local.get $end) (call $itoa (call $get_status) (local.get $end))))
    (drop (call $log (i32.const 6) (global.get $SCRATCH) (i32.sub (local.get $end) (global.get $SCRATCH))))
    (i32.const 0))

  ;; yield three times, then answer with the count kept in a global
  (func (export "on_yield") (result i32)
    (local $end i32)
    (if (i32.lt_s (global.get $yields) (i32.const 3))
      (then
        (global.set $yields (i32.add (global.get $yields) (i32.const 1)))
        (drop (call $yield))
        (return (i32.const 0))))
    (local.set $end (call $append (global.get $SCRATCH) (str "resumed after yields=")))
    (local.set $end (i32.add (local.get $end) (call $itoa (global.get $yields) (local.get $end))))
    (drop (call $write (global.get $SCRATCH) (i32.sub (local.get $end) (global.get $SCRATCH))))
    (i32.const 0))

  ;; failures at request time
  (func (export "on_trap") (result i32)
    (unreachable))

  (func (export "on_oob") (result i32)
    (i32.load (i32.const -16)))

  (func (export "on_fail") (result i32)
    (i32.const 7))

  (func (export "on_div0") (result i32)
    (i32.div_s (i32.const 1) (i32.sub (global.get $yields) (global.get $yields))))

  (func $recurse (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (i32.add (local.get $n) (i32.const 1)))))

  (func (export "on_recurse") (result i32)
    (call $recurse (i32.const 0)))

  (func (export "on_loop") (result i32)
    (loop $forever (br $forever))
    (i32.const 0))

  ;; a handler-shaped name with the wrong type: () -> () (nginx -t must reject it)
  (func (export "on_void"))
)

// GENERATED from host-abi/abi.json by host-abi/generate.ts. Do not edit; run `make gen`.
//
// The ABI tables used by the validator (cli/) and the in-process host (host/).

export const ABI_VERSION = 1;
export const IMPORT_MODULE = "env";
export const MEMORY_EXPORT = "memory";
/** A handler export takes no arguments and returns i32: 0 = success, anything else = failure (500 where a response can still be sent, plus an error-log line). */
export const HANDLER_SIGNATURE = { params: [] as const, result: "i32" } as const;

export const Status = {
  OK: 0,
  NOT_FOUND: -1,
  ERROR: -2,
} as const;

export const LogLevel = {
  STDERR: 0,
  EMERG: 1,
  ALERT: 2,
  CRIT: 3,
  ERR: 4,
  WARN: 5,
  NOTICE: 6,
  INFO: 7,
  DEBUG: 8,
} as const;

export const SubrequestOption = {
  CAPTURE_BODY: 1,
} as const;

export const Method = {
  DEFAULT: 0,
  GET: 2,
  HEAD: 4,
  POST: 8,
  PUT: 16,
  DELETE: 32,
  OPTIONS: 512,
  PATCH: 16384,
} as const;

export const Limit = {
  LOG_MAX: 1024,
  SHM_KEY_MAX: 256,
  SHM_VALUE_MAX: 65535,
  TIME_BUF_MIN: 8,
  MEMORY_MAX_PAGES: 256,
} as const;

export const PHASE_NAMES = ["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"] as const;
export type Phase = (typeof PHASE_NAMES)[number];

export interface PhaseInfo {
  name: Phase;
  directive: string;
  contexts: readonly string[];
  /** conventional export name */
  export: string;
  /** may the guest yield or launch subrequests */
  yield: boolean;
  doc: string;
}

export const PHASES: readonly PhaseInfo[] = [
  {"name":"server_rewrite","directive":"server_rewrite_by_wasm","contexts":["http","server"],"export":"on_rewrite","yield":true,"doc":"server-level rewrite, before location matching"},
  {"name":"rewrite","directive":"rewrite_by_wasm","contexts":["http","server","location"],"export":"on_rewrite","yield":true,"doc":"location rewrite"},
  {"name":"access","directive":"access_by_wasm","contexts":["http","server","location"],"export":"on_access","yield":true,"doc":"access control"},
  {"name":"content","directive":"content_by_wasm","contexts":["http","server","location"],"export":"on_content","yield":true,"doc":"produce the response"},
  {"name":"header_filter","directive":"header_filter_by_wasm","contexts":["http","server","location"],"export":"on_header","yield":false,"doc":"inspect/alter response status and headers"},
  {"name":"body_filter","directive":"body_filter_by_wasm","contexts":["http","server","location"],"export":"on_body","yield":false,"doc":"inspect/replace each response body chunk"},
  {"name":"log","directive":"log_by_wasm","contexts":["http","server","location"],"export":"on_log","yield":false,"doc":"after the response is sent"},
  {"name":"balancer","directive":"balancer_by_wasm","contexts":["upstream"],"export":"on_balancer","yield":false,"doc":"choose an upstream peer"},
  {"name":"ssl_client_hello","directive":"ssl_client_hello_by_wasm","contexts":["http","server"],"export":"on_client_hello","yield":false,"doc":"TLS ClientHello received"},
  {"name":"ssl_certificate","directive":"ssl_certificate_by_wasm","contexts":["http","server"],"export":"on_certificate","yield":false,"doc":"choose the TLS certificate"},
];

export const AREAS: Readonly<Record<string, string>> = {"log":"error-log output","response":"response status, headers and body","body_filter":"response body chunks in the body filter","request":"request headers and body","variables":"nginx variables","time":"cached nginx time","shared_dict":"the shared key/value zone","metrics":"counters and gauges","subrequest":"nginx-internal subrequests","yield":"re-invocation","balancer":"upstream peer selection","ssl":"TLS handshake hooks"};

/** WebAssembly features the nginx host's compiler (wasm2c 1.0.32) cannot compile, by wabt.js name. */
export const UNSUPPORTED_FEATURES = {"simd":"SIMD (v128 types or instructions)","threads":"threads (shared memory or atomic instructions)","tail_call":"tail calls (return_call instructions)","memory64":"64-bit memory (memory64)"} as const;

/** What a header a guest sets may contain, in both hosts. A name must be an HTTP token (RFC 9110 `tchar`s, at least one); a value must not contain the bytes listed (CR and LF would start a new header line on the wire — response splitting, or a forged header towards an upstream through proxy_pass — and NUL truncates values in C code). A setter given an invalid name or value changes nothing and returns ERROR (-2); the SDK then aborts naming the header. Refusing, rather than escaping as OpenResty's ngx_http_lua_copy_escaped_header does, was chosen because an escaped value silently differs from what the guest wrote (a broken cookie or redirect target no one notices), while a refusal is one error-log line naming the SDK call and the header, and nothing unsafe reaches the wire either way. */
export const HEADER_RULES = {"doc":"What a header a guest sets may contain, in both hosts. A name must be an HTTP token (RFC 9110 `tchar`s, at least one); a value must not contain the bytes listed (CR and LF would start a new header line on the wire — response splitting, or a forged header towards an upstream through proxy_pass — and NUL truncates values in C code). A setter given an invalid name or value changes nothing and returns ERROR (-2); the SDK then aborts naming the header. Refusing, rather than escaping as OpenResty's ngx_http_lua_copy_escaped_header does, was chosen because an escaped value silently differs from what the guest wrote (a broken cookie or redirect target no one notices), while a refusal is one error-log line naming the SDK call and the header, and nothing unsafe reaches the wire either way.","nameChars":"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz","valueForbiddenBytes":[0,10,13],"setters":["ngx_wasm_resp_set_header","ngx_wasm_req_set_header","ngx_wasm_subreq_set_header"]} as const;

const HEADER_NAME_BYTES = new Set(Buffer.from(HEADER_RULES.nameChars, "latin1"));
const HEADER_VALUE_FORBIDDEN: ReadonlySet<number> = new Set(HEADER_RULES.valueForbiddenBytes);

/** A header name is one or more HTTP token bytes. */
export function isHeaderName(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((b) => HEADER_NAME_BYTES.has(b));
}

/** A header value holds none of the bytes 0, 10, 13. */
export function isHeaderValue(bytes: Uint8Array): boolean {
  return !bytes.some((b) => HEADER_VALUE_FORBIDDEN.has(b));
}

export const FUNCTION_NAMES = ["ngx_wasm_log","ngx_wasm_resp_set_status","ngx_wasm_resp_get_status","ngx_wasm_resp_set_header","ngx_wasm_resp_get_header","ngx_wasm_resp_write","ngx_wasm_resp_get_body_chunk","ngx_wasm_resp_get_body_chunk_eof","ngx_wasm_resp_set_body_chunk","ngx_wasm_req_get_header","ngx_wasm_req_set_header","ngx_wasm_req_get_body","ngx_wasm_var_get","ngx_wasm_var_set","ngx_wasm_time_unix_ms","ngx_wasm_time_monotonic_ms","ngx_wasm_shm_get","ngx_wasm_shm_exists","ngx_wasm_shm_set","ngx_wasm_shm_set_ex","ngx_wasm_shm_add","ngx_wasm_shm_replace","ngx_wasm_shm_incr","ngx_wasm_shm_delete","ngx_wasm_metric_counter_inc","ngx_wasm_metric_gauge_set","ngx_wasm_metric_gauge_add","ngx_wasm_subreq_set_header","ngx_wasm_subreq","ngx_wasm_subreq_get_status","ngx_wasm_subreq_get_header","ngx_wasm_subreq_get_body","ngx_wasm_subreq_get_body_len","ngx_wasm_yield","ngx_wasm_balancer_set_peer","ngx_wasm_ssl_get_server_name","ngx_wasm_ssl_reject_handshake","ngx_wasm_ssl_set_certificate"] as const;
export type HostFunctionName = (typeof FUNCTION_NAMES)[number];

export interface HostFunctionInfo {
  name: HostFunctionName;
  area: string;
  /** the SDK calls that reach it, as a guest author writes them */
  sdk: string;
  /** the host reads the request body before a guest importing this runs */
  readsRequestBody?: boolean;
  /** parameter names; every parameter and the result are i32 */
  params: readonly string[];
  /** return value → meaning */
  result: Readonly<Record<string, string>>;
  phases: readonly Phase[];
  doc: string;
}

export const HOST_FUNCTIONS: readonly HostFunctionInfo[] = [
  {"name":"ngx_wasm_log","area":"log","sdk":"log.err, log.warn, log.notice, log.info, log.debug, log.write (and any SDK abort, which logs its message)","params":["level","ptr","len"],"result":{"0":"logged"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"],"doc":"Write guest bytes to the nginx error log at `level` (0 STDERR .. 8 DEBUG) as a line starting `[wasm] `; over 1024 bytes is truncated, never used as a format string; control bytes other than tab are written as `\\xNN`, so a message cannot forge log lines."},
  {"name":"ngx_wasm_resp_set_status","area":"response","sdk":"Response.setStatus, Response.exit, Response.redirect","params":["status"],"result":{"0":"OK","-2":"status out of range (100..999)"},"phases":["server_rewrite","rewrite","access","content","header_filter"],"doc":"Set the response status code."},
  {"name":"ngx_wasm_resp_get_status","area":"response","sdk":"Response.status","params":[],"result":{"status":"current response status (0 when none set yet)"},"phases":["server_rewrite","rewrite","access","content","log"],"doc":"Get the response status code."},
  {"name":"ngx_wasm_resp_set_header","area":"response","sdk":"Response.setHeader, Response.removeHeader, Response.setContentType, Response.redirect","params":["name_ptr","name_len","value_ptr","value_len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length, a name that is not an HTTP token, a value with CR, LF or NUL) or failure; headers already sent"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter"],"doc":"Set (replace) a response header; an empty value removes it. `Content-Type` overrides the default `text/plain`."},
  {"name":"ngx_wasm_resp_get_header","area":"response","sdk":"Response.header","params":["name_ptr","name_len","buf_ptr","buf_len"],"result":{"len":"full length of the value (copies what fits)","-1":"no such header","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter"],"doc":"Copy a response header value into the buffer (name matched case-insensitively)."},
  {"name":"ngx_wasm_resp_write","area":"response","sdk":"Response.say, Response.print, Response.write, Response.json (handle() writes that body when the handler returns), Response.flush, Response.exit","params":["ptr","len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Set the response body to these bytes (replacing an earlier write); sent after the handler returns."},
  {"name":"ngx_wasm_resp_get_body_chunk","area":"body_filter","sdk":"BodyChunk.read, BodyChunk.text","params":["buf_ptr","buf_len"],"result":{"len":"full length of the current chunk (copies what fits)","-1":"no current chunk","-2":"invalid argument (negative pointer/length) or failure"},"phases":["body_filter"],"doc":"Copy the current response body chunk into the buffer."},
  {"name":"ngx_wasm_resp_get_body_chunk_eof","area":"body_filter","sdk":"BodyChunk.isLast","params":[],"result":{"0":"more chunks follow","1":"current chunk is the last","-1":"no current chunk"},"phases":["body_filter"],"doc":"Tell whether the current body chunk is the last one."},
  {"name":"ngx_wasm_resp_set_body_chunk","area":"body_filter","sdk":"BodyChunk.replace","params":["ptr","len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length) or failure"},"phases":["body_filter"],"doc":"Replace the output for the current body chunk (not calling it passes the chunk through unchanged)."},
  {"name":"ngx_wasm_req_get_header","area":"request","sdk":"Request.header","params":["name_ptr","name_len","buf_ptr","buf_len"],"result":{"len":"full length of the value (copies what fits)","-1":"no such header","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Copy a request header value into the buffer (name matched case-insensitively)."},
  {"name":"ngx_wasm_req_set_header","area":"request","sdk":"Request.setHeader, Request.removeHeader","params":["name_ptr","name_len","value_ptr","value_len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length, a name that is not an HTTP token, a value with CR, LF or NUL) or failure"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Set (replace) a request header; an empty value removes it."},
  {"name":"ngx_wasm_req_get_body","area":"request","sdk":"Request.body, Request.bodyText","readsRequestBody":true,"params":["buf_ptr","buf_len"],"result":{"len":"full length of the body (copies what fits)","-1":"no body was read","-2":"invalid argument (negative pointer/length), or the body could not be read"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Copy the request body, read before the handler runs. A body larger than `wasm_request_body_buffer_size` (by Content-Length, or once read when chunked) is answered 413 before a guest importing this function runs, with one error-log line naming the directive and its limit, as the reference host does."},
  {"name":"ngx_wasm_var_get","area":"variables","sdk":"Variables.get, Request.method, Request.uri, Request.args, Request.query, Request.remoteAddress, Request.host, Request.scheme, Balancer.peers, Balancer.tryNumber, Math.random (its seed)","params":["name_ptr","name_len","buf_ptr","buf_len"],"result":{"len":"full length of the value (copies what fits)","-1":"unknown variable or not found","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Copy the value of an nginx variable (name without `$`)."},
  {"name":"ngx_wasm_var_set","area":"variables","sdk":"Variables.set","params":["name_ptr","name_len","value_ptr","value_len"],"result":{"0":"OK","-1":"unknown variable","-2":"variable not changeable"},"phases":["server_rewrite","rewrite","access","content","balancer"],"doc":"Set an nginx variable (declared with `set` or otherwise changeable)."},
  {"name":"ngx_wasm_time_unix_ms","area":"time","sdk":"Time.unixMs, Time.unixSeconds, Math.random (its seed)","params":["buf_ptr","buf_len"],"result":{"0":"OK","-2":"buf_len < 8 or invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"],"doc":"Write the cached wall-clock time as a little-endian u64 of milliseconds since the epoch."},
  {"name":"ngx_wasm_time_monotonic_ms","area":"time","sdk":"Time.monotonicMs, Math.random (its seed)","params":["buf_ptr","buf_len"],"result":{"0":"OK","-2":"buf_len < 8 or invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"],"doc":"Write the cached monotonic time as a little-endian u64 of milliseconds."},
  {"name":"ngx_wasm_shm_get","area":"shared_dict","sdk":"SharedDict.get, SharedDict.getBytes","params":["key_ptr","key_len","buf_ptr","buf_len"],"result":{"len":"full length of the value (copies what fits)","-1":"missing or expired","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Copy the value stored under a key in the shared zone."},
  {"name":"ngx_wasm_shm_exists","area":"shared_dict","sdk":"SharedDict.exists","params":["key_ptr","key_len"],"result":{"0":"missing or expired","1":"exists","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Tell whether a key exists in the shared zone."},
  {"name":"ngx_wasm_shm_set","area":"shared_dict","sdk":"SharedDict.set","params":["key_ptr","key_len","value_ptr","value_len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length) or failure; key > 256 or value > 65535 bytes; zone full"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Store a value under a key with no expiry (may evict least-recently-used entries)."},
  {"name":"ngx_wasm_shm_set_ex","area":"shared_dict","sdk":"SharedDict.setEx","params":["key_ptr","key_len","value_ptr","value_len","ttl_msec"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length) or failure; key > 256 or value > 65535 bytes; zone full"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Store a value with a time-to-live in milliseconds (0 = none); expiry is lazy."},
  {"name":"ngx_wasm_shm_add","area":"shared_dict","sdk":"SharedDict.add","params":["key_ptr","key_len","value_ptr","value_len"],"result":{"0":"OK","-1":"key exists","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Store a value only if the key does not exist."},
  {"name":"ngx_wasm_shm_replace","area":"shared_dict","sdk":"SharedDict.replace","params":["key_ptr","key_len","value_ptr","value_len"],"result":{"0":"OK","-1":"key missing","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Store a value only if the key exists."},
  {"name":"ngx_wasm_shm_incr","area":"shared_dict","sdk":"SharedDict.incr","params":["key_ptr","key_len","delta"],"result":{"value":"the new value","-2":"missing or expired key, a stored value that is not a base-10 i32, or overflow (a new value of -2 is returned as -2 too)"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Add delta to an ASCII base-10 signed 32-bit value and return the new value. The stored value must be an optional `-` then one or more ASCII digits `0`-`9` (leading zeros allowed; no `+`, no spaces, nothing else) within -2147483648..2147483647; the new value is stored in its shortest form (`007` + 0 → `7`) and keeps the entry's TTL."},
  {"name":"ngx_wasm_shm_delete","area":"shared_dict","sdk":"SharedDict.delete","params":["key_ptr","key_len"],"result":{"0":"OK (also when missing)","-2":"invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Delete a key."},
  {"name":"ngx_wasm_metric_counter_inc","area":"metrics","sdk":"Counter.inc","params":["name_ptr","name_len","delta"],"result":{"0":"OK","-2":"undeclared metric, negative delta, or invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Add a non-negative delta to a counter declared with `wasm_counter` (saturates at i64 max)."},
  {"name":"ngx_wasm_metric_gauge_set","area":"metrics","sdk":"Gauge.set","params":["name_ptr","name_len","value"],"result":{"0":"OK","-2":"undeclared metric or invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Set a gauge declared with `wasm_gauge`."},
  {"name":"ngx_wasm_metric_gauge_add","area":"metrics","sdk":"Gauge.add","params":["name_ptr","name_len","delta"],"result":{"0":"OK","-2":"undeclared metric or invalid argument (negative pointer/length) or failure"},"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer"],"doc":"Add a (possibly negative) delta to a gauge."},
  {"name":"ngx_wasm_subreq_set_header","area":"subrequest","sdk":"Subrequest.setHeader","params":["name_ptr","name_len","value_ptr","value_len"],"result":{"0":"OK","-2":"invalid argument (negative pointer/length, a name that is not an HTTP token, a value with CR, LF or NUL) or failure"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Stage a request header for the next subrequest launch."},
  {"name":"ngx_wasm_subreq","area":"subrequest","sdk":"Subrequest.fetch","params":["uri_ptr","uri_len","args_ptr","args_len","method","options"],"result":{"0":"launched: return from the handler; it is called again when the subrequest has finished","-2":"invalid argument (negative pointer/length, an unknown method or option, an unsafe uri) or failure; a subrequest is already active"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Launch an nginx-internal subrequest to any location of the server (static files, return, proxy_pass, a location running a guest); method numbers are nginx's, option 1 captures the response body in memory, up to the host's buffer (nginx: wasm_subrequest_buffer_size, default 64k; a larger body is not captured: subreq_get_body and subreq_get_body_len return -2, the status and headers stay readable). The uri is refused (-2) when it does not start with /, holds a NUL or a .. segment (also %-encoded), or carries ?args while args are given too; ?args in the uri are the args. The staged headers replace the parent's of the same name. One subrequest at a time; a subrequest that fails (404, 502, 504, an internal error) reports its status to the guest, it does not fail the parent."},
  {"name":"ngx_wasm_subreq_get_status","area":"subrequest","sdk":"Subrequest.status","params":[],"result":{"status":"status of the finished subrequest","-2":"no finished subrequest"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Get the status of the last finished subrequest."},
  {"name":"ngx_wasm_subreq_get_header","area":"subrequest","sdk":"Subrequest.header","params":["name_ptr","name_len","buf_ptr","buf_len"],"result":{"len":"full length of the value (copies what fits)","-1":"no such header","-2":"invalid argument (negative pointer/length) or failure; no finished subrequest"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Copy a response header of the last finished subrequest."},
  {"name":"ngx_wasm_subreq_get_body","area":"subrequest","sdk":"Subrequest.body, Subrequest.bodyText","params":["buf_ptr","buf_len"],"result":{"len":"number of bytes copied","-2":"invalid argument (negative pointer/length) or failure; no captured body"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Copy the captured body of the last finished subrequest (-2 when it was launched without option 1, or its body was larger than the host's buffer: wasm_subrequest_buffer_size on nginx)."},
  {"name":"ngx_wasm_subreq_get_body_len","area":"subrequest","sdk":"Subrequest.body, Subrequest.bodyText","params":[],"result":{"len":"length of the captured body","-2":"no captured body"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Get the length of the captured subrequest body."},
  {"name":"ngx_wasm_yield","area":"yield","sdk":"yieldNow","params":[],"result":{"0":"yielded: return from the handler; it is called again on the same instance"},"phases":["server_rewrite","rewrite","access","content"],"doc":"Give control back to nginx; the export is re-invoked later with globals and memory kept."},
  {"name":"ngx_wasm_balancer_set_peer","area":"balancer","sdk":"Balancer.setPeer","params":["peer_index"],"result":{"0":"OK","-2":"index out of range"},"phases":["balancer"],"doc":"Choose the upstream server by zero-based index into the `upstream {}` block's servers."},
  {"name":"ngx_wasm_ssl_get_server_name","area":"ssl","sdk":"Ssl.serverName","params":["buf_ptr","buf_len"],"result":{"len":"full length of the SNI name (copies what fits)","-1":"no SNI"},"phases":["ssl_client_hello","ssl_certificate"],"doc":"Copy the TLS server name (SNI) sent by the client."},
  {"name":"ngx_wasm_ssl_reject_handshake","area":"ssl","sdk":"Ssl.rejectHandshake","params":["alert"],"result":{"0":"the handshake will be rejected with this TLS alert"},"phases":["ssl_client_hello","ssl_certificate"],"doc":"Reject the TLS handshake with an alert number."},
  {"name":"ngx_wasm_ssl_set_certificate","area":"ssl","sdk":"Ssl.setCertificate","params":["cert_ptr","cert_len","key_ptr","key_len"],"result":{"0":"OK","-2":"invalid PEM or invalid argument (negative pointer/length) or failure"},"phases":["ssl_certificate"],"doc":"Use this PEM certificate chain and private key for the handshake."},
];

export const HOST_FUNCTION_BY_NAME: ReadonlyMap<string, HostFunctionInfo> = new Map(
  HOST_FUNCTIONS.map((f) => [f.name, f]),
);

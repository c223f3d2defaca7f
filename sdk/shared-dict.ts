// The shared key/value zone (`wasm_shm_zone NAME SIZE;`), shared by all workers.
import {
  ngx_wasm_shm_add,
  ngx_wasm_shm_delete,
  ngx_wasm_shm_exists,
  ngx_wasm_shm_incr,
  ngx_wasm_shm_replace,
  ngx_wasm_shm_set,
  ngx_wasm_shm_set_ex,
  Limit,
  Status,
} from "./raw";
import { fetchNamedBytes, fetchNamedString, Getter, ptr, toBytes, utf8 } from "./internal/buffer";
import { callName, check, fail } from "./internal/errors";

/** UTF-8 key, checked against the zone's key limit (a longer key is a programming error). */
function keyBytes(key: string, what: string): ArrayBuffer {
  const k = utf8(key);
  if (k.byteLength == 0 || k.byteLength > Limit.SHM_KEY_MAX) {
    fail(callName(what, key), "keys must be 1.." + Limit.SHM_KEY_MAX.toString() + " bytes");
  }
  return k;
}

/** Value bytes, checked against the zone's value limit. */
function valueBytes<T>(value: T, key: string, what: string): ArrayBuffer {
  const v = toBytes<T>(value);
  if (v.byteLength > Limit.SHM_VALUE_MAX) {
    fail(callName(what, key), "values must be at most " + Limit.SHM_VALUE_MAX.toString() + " bytes");
  }
  return v;
}

/**
 * The shared dictionary: one key/value zone shared by all nginx workers, the
 * place for state that must outlive a request (guest memory does not).
 * Keys are 1..256 bytes, values up to 65535 bytes (strings are stored as
 * UTF-8; `getBytes` and `ArrayBuffer`/`Uint8Array` values are byte-exact).
 * Writes may evict least-recently-used entries; expired entries vanish lazily.
 *
 * Results: absent keys give `null`/`false`; a key or value over the limits, or
 * a host ERROR, aborts with a message naming the call (see README "Errors") —
 * except `set`/`setEx`, which return `false` when the zone could not store the
 * value.
 *
 * Phases: server_rewrite, rewrite, access, content, header_filter,
 * body_filter, log, balancer.
 *
 * ```ts
 * if (SharedDict.add("lock:" + id, "1")) { … first one wins … }
 * const hits = SharedDict.incr("hits");   // 1, 2, 3, …
 * ```
 */
export namespace SharedDict {
  /** The value under `key` as a UTF-8 string, or `null` when absent or expired. */
  export function get(key: string): string | null {
    keyBytes(key, "SharedDict.get");
    return fetchNamedString(Getter.SHARED_DICT, key, "SharedDict.get");
  }

  /** The value under `key` as bytes, or `null` when absent or expired. */
  export function getBytes(key: string): ArrayBuffer | null {
    keyBytes(key, "SharedDict.getBytes");
    return fetchNamedBytes(Getter.SHARED_DICT, key, "SharedDict.getBytes");
  }

  /** Whether `key` is present (and not expired). */
  export function exists(key: string): bool {
    const k = keyBytes(key, "SharedDict.exists");
    return check(ngx_wasm_shm_exists(ptr(k), k.byteLength), "SharedDict.exists", key) == 1;
  }

  /**
   * Store `value` (string, ArrayBuffer or Uint8Array) under `key` with no expiry.
   * Returns `false` when the zone could not store it (e.g. out of space).
   */
  export function set<T>(key: string, value: T): bool {
    const k = keyBytes(key, "SharedDict.set");
    const v = valueBytes<T>(value, key, "SharedDict.set");
    return ngx_wasm_shm_set(ptr(k), k.byteLength, ptr(v), v.byteLength) == Status.OK;
  }

  /**
   * Store `value` under `key` for `ttlMs` milliseconds (0 = no expiry).
   * Returns `false` when the zone could not store it.
   */
  export function setEx<T>(key: string, value: T, ttlMs: i32): bool {
    const k = keyBytes(key, "SharedDict.setEx");
    const v = valueBytes<T>(value, key, "SharedDict.setEx");
    if (ttlMs < 0) fail(callName("SharedDict.setEx", key), "ttlMs must be >= 0");
    return ngx_wasm_shm_set_ex(ptr(k), k.byteLength, ptr(v), v.byteLength, ttlMs) == Status.OK;
  }

  /** Store `value` only if `key` is absent. Returns `false` when the key already exists. */
  export function add<T>(key: string, value: T): bool {
    const k = keyBytes(key, "SharedDict.add");
    const v = valueBytes<T>(value, key, "SharedDict.add");
    const status = check(ngx_wasm_shm_add(ptr(k), k.byteLength, ptr(v), v.byteLength), "SharedDict.add", key);
    return status == Status.OK;
  }

  /** Store `value` only if `key` exists. Returns `false` when the key is missing. */
  export function replace<T>(key: string, value: T): bool {
    const k = keyBytes(key, "SharedDict.replace");
    const v = valueBytes<T>(value, key, "SharedDict.replace");
    const status = check(ngx_wasm_shm_replace(ptr(k), k.byteLength, ptr(v), v.byteLength), "SharedDict.replace", key);
    return status == Status.OK;
  }

  /**
   * Add `delta` to the integer stored under `key` and return the new value.
   * A missing key is first created with `init` (as OpenResty's
   * `incr(key, delta, init)`), so `incr("hits")` counts 1, 2, 3, …
   * Values are ASCII base-10 signed 32-bit integers; a stored value that is
   * not one, or an overflow, aborts with a message naming the key.
   */
  export function incr(key: string, delta: i32 = 1, init: i32 = 0): i32 {
    const k = keyBytes(key, "SharedDict.incr");
    let result = ngx_wasm_shm_incr(ptr(k), k.byteLength, delta);
    if (result != Status.ERROR) return result;
    // ERROR (-2) is also a legitimate new value: the stored value tells.
    const stored = get(key);
    if (stored !== null && stored == "-2") return result;
    if (stored === null) {
      add(key, init.toString()); // another worker may win the race: fine, incr below
      result = ngx_wasm_shm_incr(ptr(k), k.byteLength, delta);
      if (result != Status.ERROR) return result;
      const again = get(key);
      if (again !== null && again == "-2") return result;
    }
    fail(callName("SharedDict.incr", key), "the stored value is not a signed 32-bit integer, or adding " + delta.toString() + " overflows");
    return 0;
  }

  /** Remove `key` (removing a missing key is fine). */
  export function delete(key: string): void {
    const k = keyBytes(key, "SharedDict.delete");
    check(ngx_wasm_shm_delete(ptr(k), k.byteLength), "SharedDict.delete", key);
  }
}

// The shared key/value zone (`wasm_shm_zone`): byte-exact keys and values, TTLs
// with lazy expiry on the host clock's wall time (as nginx uses its cached
// time), and least-recently-used eviction when the zone's capacity is exceeded.

import { Limit, Status } from "../host-abi/tables.js";
import type { Clock } from "./clock.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

/** Bytes an entry costs beyond its key and value (nginx's rbtree node and slab rounding, approximately). */
export const SHM_ENTRY_OVERHEAD = 64;
export const DEFAULT_SHM_CAPACITY = 1024 * 1024;

interface Entry {
  key: Uint8Array;
  value: Uint8Array;
  /** unix ms; 0 = never */
  expiresAt: number;
}

type StoreMode = "set" | "add" | "replace";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? encoder.encode(v) : v);
// Map keys are the key bytes as latin1 text: one char per byte, so lookups are byte-exact.
const mapKey = (key: Uint8Array): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

export class SharedDict {
  /** insertion order = recency order: the first entry is the least recently used */
  private readonly entries = new Map<string, Entry>();
  private usedBytes = 0;

  constructor(
    private readonly clock: Clock,
    readonly capacityBytes: number = DEFAULT_SHM_CAPACITY,
  ) {}

  // ------------------------------------------------------------ byte-level operations (the ABI)

  /** The value, or undefined when missing or expired; a guest read (`touch`) marks the entry as recently used. */
  lookup(key: Uint8Array, touch = true): Uint8Array | undefined {
    const entry = this.live(mapKey(key));
    if (!entry) return undefined;
    if (touch) this.touch(mapKey(key), entry);
    return entry.value;
  }

  exists(key: Uint8Array): boolean {
    return this.live(mapKey(key)) !== undefined;
  }

  /** ABI store: 0 OK, -1 (add: exists / replace: missing), -2 invalid or zone full. */
  store(key: Uint8Array, value: Uint8Array, ttlMs: number, mode: StoreMode): number {
    if (!validKey(key) || value.length > Limit.SHM_VALUE_MAX || ttlMs < 0) return Status.ERROR;
    const k = mapKey(key);
    const present = this.live(k) !== undefined;
    if (mode === "add" && present) return Status.NOT_FOUND;
    if (mode === "replace" && !present) return Status.NOT_FOUND;
    const cost = key.length + value.length + SHM_ENTRY_OVERHEAD;
    if (cost > this.capacityBytes) return Status.ERROR;
    this.drop(k);
    this.makeRoom(cost);
    const entry = { key: key.slice(), value: value.slice(), expiresAt: ttlMs > 0 ? this.clock.unixMs() + ttlMs : 0 };
    this.entries.set(k, entry);
    this.usedBytes += cost;
    return Status.OK;
  }

  /** ABI incr: the new value, or undefined on a missing key, a non-i32 value or overflow. Keeps the TTL. */
  increment(key: Uint8Array, delta: number): number | undefined {
    if (!validKey(key)) return undefined;
    const k = mapKey(key);
    const entry = this.live(k);
    if (!entry) return undefined;
    const text = decoder.decode(entry.value);
    if (!/^-?[0-9]+$/.test(text)) return undefined;
    const current = Number(text);
    const next = current + delta;
    if (current < I32_MIN || current > I32_MAX || next < I32_MIN || next > I32_MAX) return undefined;
    const value = encoder.encode(String(next));
    this.usedBytes += value.length - entry.value.length;
    entry.value = value;
    this.touch(k, entry);
    this.makeRoom(0); // a longer number may push the zone over: evict others, never this (now most recent) entry
    return next;
  }

  /** ABI delete: OK whether or not the key exists; -2 for an invalid key. */
  removeKey(key: Uint8Array): number {
    if (!validKey(key)) return Status.ERROR;
    this.drop(mapKey(key));
    return Status.OK;
  }

  // ------------------------------------------------------------ the JS API (tests, dev server)
  // Reads here inspect the zone without counting as use, so they do not change eviction order.

  get(key: string): string | undefined {
    const v = this.lookup(encoder.encode(key), false);
    return v === undefined ? undefined : decoder.decode(v);
  }

  getBytes(key: string): Uint8Array | undefined {
    return this.lookup(encoder.encode(key), false)?.slice();
  }

  /** Store a value (ttlMs 0 or absent = no expiry); throws on an invalid key/value or a full zone. */
  set(key: string, value: string | Uint8Array, ttlMs = 0): void {
    const status = this.store(encoder.encode(key), toBytes(value), ttlMs, "set");
    if (status !== Status.OK) {
      throw new RangeError(
        `shm.set("${key}"): key must be 1..${Limit.SHM_KEY_MAX} bytes, value at most ${Limit.SHM_VALUE_MAX} bytes, ` +
          `ttl non-negative, and the entry must fit in the zone (${this.capacityBytes} bytes)`,
      );
    }
  }

  has(key: string): boolean {
    return this.exists(encoder.encode(key));
  }

  delete(key: string): boolean {
    const k = mapKey(encoder.encode(key));
    const had = this.live(k) !== undefined;
    this.drop(k);
    return had;
  }

  /** Keys of live entries, least recently used first. */
  keys(): string[] {
    this.purgeExpired();
    return [...this.entries.values()].map((e) => decoder.decode(e.key));
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
  }

  /** Number of live entries. */
  get size(): number {
    this.purgeExpired();
    return this.entries.size;
  }

  /** Bytes in use, counting SHM_ENTRY_OVERHEAD per entry. */
  get bytesUsed(): number {
    return this.usedBytes;
  }

  // ------------------------------------------------------------ internals

  private live(k: string): Entry | undefined {
    const entry = this.entries.get(k);
    if (entry && entry.expiresAt !== 0 && entry.expiresAt <= this.clock.unixMs()) {
      this.drop(k);
      return undefined;
    }
    return entry;
  }

  private drop(k: string): void {
    const entry = this.entries.get(k);
    if (!entry) return;
    this.entries.delete(k);
    this.usedBytes -= entry.key.length + entry.value.length + SHM_ENTRY_OVERHEAD;
  }

  private touch(k: string, entry: Entry): void {
    this.entries.delete(k);
    this.entries.set(k, entry);
  }

  private purgeExpired(): void {
    for (const k of [...this.entries.keys()]) this.live(k);
  }

  private makeRoom(cost: number): void {
    if (this.usedBytes + cost <= this.capacityBytes) return;
    this.purgeExpired();
    for (const k of this.entries.keys()) {
      if (this.usedBytes + cost <= this.capacityBytes) break;
      this.drop(k);
    }
  }
}

function validKey(key: Uint8Array): boolean {
  return key.length > 0 && key.length <= Limit.SHM_KEY_MAX;
}

type ShmFunctions = Pick<
  HostFunctions,
  | "ngx_wasm_shm_get" | "ngx_wasm_shm_exists" | "ngx_wasm_shm_set" | "ngx_wasm_shm_set_ex"
  | "ngx_wasm_shm_add" | "ngx_wasm_shm_replace" | "ngx_wasm_shm_incr" | "ngx_wasm_shm_delete"
>;

export function sharedDictFunctions(ctx: RunContext): ShmFunctions {
  const shm = ctx.shm;
  return {
    ngx_wasm_shm_get(key, buf) {
      if (!validKey(key)) return Status.ERROR;
      const v = shm.lookup(key);
      return v === undefined ? Status.NOT_FOUND : buf.copy(v);
    },
    ngx_wasm_shm_exists(key) {
      if (!validKey(key)) return Status.ERROR;
      return shm.exists(key) ? 1 : 0;
    },
    ngx_wasm_shm_set: (key, value) => shm.store(key, value, 0, "set"),
    ngx_wasm_shm_set_ex: (key, value, ttl) => (ttl < 0 ? Status.ERROR : shm.store(key, value, ttl, "set")),
    ngx_wasm_shm_add: (key, value) => shm.store(key, value, 0, "add"),
    ngx_wasm_shm_replace: (key, value) => shm.store(key, value, 0, "replace"),
    ngx_wasm_shm_incr: (key, delta) => shm.increment(key, delta) ?? Status.ERROR,
    ngx_wasm_shm_delete: (key) => shm.removeKey(key),
  };
}

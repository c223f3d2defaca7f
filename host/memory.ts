// Guest linear memory access with the ABI's bounds rules: a range that falls
// outside memory traps (bad_pointer). Negative pointers and lengths never get
// here: the generated wrappers (host/imports.ts) answer them with -2.

import { HostTrap } from "./traps.js";
import type { WasmMemory } from "./wasm-api.js";

const utf8 = new TextDecoder("utf-8");

/** Guest bytes as UTF-8 text (invalid sequences become U+FFFD). */
export function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export class GuestMemory {
  constructor(private readonly memory: WasmMemory) {}

  /** A fresh view: `memory.grow` detaches earlier buffers. */
  private bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Trap unless [ptr, ptr+len) lies inside guest memory. */
  checkRange(ptr: number, len: number, what: string): void {
    if (ptr + len > this.byteLength) {
      throw new HostTrap(
        "bad_pointer",
        `${what}: range [${ptr}, ${ptr + len}) is outside guest memory (${this.byteLength} bytes)`,
      );
    }
  }

  /** Copy bytes out of guest memory. */
  read(ptr: number, len: number, what: string): Uint8Array {
    this.checkRange(ptr, len, what);
    return this.bytes().slice(ptr, ptr + len);
  }

  /** The guest's buffer [ptr, ptr+len), checked now (trap), written later by a getter. */
  buffer(ptr: number, len: number, what: string): GuestBuffer {
    this.checkRange(ptr, len, what);
    return new GuestBuffer(this, ptr, len);
  }

  /**
   * Getter convention: copy what fits of `data` into the guest buffer and
   * return the full length, so a guest can retry with a larger buffer.
   */
  copyOut(bufPtr: number, bufLen: number, data: Uint8Array, what: string): number {
    this.checkRange(bufPtr, bufLen, what);
    const n = Math.min(bufLen, data.length);
    this.bytes().set(data.subarray(0, n), bufPtr);
    return data.length;
  }

  /** Write a little-endian u64 (time values). */
  writeU64(ptr: number, value: number, what: string): void {
    this.checkRange(ptr, 8, what);
    new DataView(this.memory.buffer).setBigUint64(ptr, BigInt(value), true);
  }
}

/**
 * Where a getter writes its value (the ABI's `buf_ptr, buf_len`): the range
 * was checked when the host call began; memory cannot move during the call.
 */
export class GuestBuffer {
  constructor(
    private readonly memory: GuestMemory,
    readonly ptr: number,
    readonly length: number,
  ) {}

  /** Copy what fits of `data`; return its full length (the ABI's getter convention). */
  copy(data: Uint8Array): number {
    return this.memory.copyOut(this.ptr, this.length, data, "buffer");
  }

  /** A little-endian u64 into the first 8 bytes (time values; the caller checked length ≥ 8). */
  writeU64(value: number): void {
    this.memory.writeU64(this.ptr, value, "buffer");
  }
}

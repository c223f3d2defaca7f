// Guest linear memory access with the ABI's bounds rules: a negative pointer or
// length is an argument error (-2, checked by the caller with `anyNegative`);
// a range that falls outside memory traps (bad_pointer).

import { isHeaderName, isHeaderValue } from "../host-abi/tables.js";
import { HostTrap } from "./traps.js";
import type { WasmMemory } from "./wasm-api.js";

const utf8 = new TextDecoder("utf-8");

/** True when any (ptr, len) argument is negative: the caller returns Status.ERROR. */
export function anyNegative(...values: number[]): boolean {
  return values.some((v) => v < 0);
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

  /** Read bytes as UTF-8 text (invalid sequences become U+FFFD). */
  readString(ptr: number, len: number, what: string): string {
    return utf8.decode(this.read(ptr, len, what));
  }

  /**
   * A header a guest sets: both ranges checked (trap), then the ABI's header
   * rules (HEADER_RULES); undefined when the name or value breaks them, and
   * the setter returns ERROR without changing anything.
   */
  readHeader(np: number, nl: number, vp: number, vl: number, what: string): { name: string; value: string } | undefined {
    const name = this.read(np, nl, `${what} name`);
    const value = this.read(vp, vl, `${what} value`);
    if (!isHeaderName(name) || !isHeaderValue(value)) return undefined;
    return { name: utf8.decode(name), value: utf8.decode(value) };
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

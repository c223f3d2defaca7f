// Why a guest invocation failed, named like the nginx host names it in its error log.

import { wasm } from "./wasm-api.js";

export type TrapKind =
  | "unreachable"
  | "out_of_bounds"
  | "stack_exhaustion"
  | "integer_divide_by_zero"
  | "integer_overflow"
  | "invalid_conversion"
  | "indirect_call"
  | "phase_violation"
  | "bad_pointer"
  | "memory_limit"
  | "fuel_exhausted"
  | "too_many_invocations"
  | "invalid_export"
  | "instantiation"
  | "host_error"
  | "unknown";

/** Thrown by a host function to end the guest invocation as a trap. */
export class HostTrap extends Error {
  constructor(
    readonly kind: TrapKind,
    message: string,
  ) {
    super(message);
    this.name = "HostTrap";
  }
}

// V8's messages for WebAssembly traps (Node 20), mapped to the ABI's trap kinds.
const RUNTIME_ERROR_KINDS: [RegExp, TrapKind][] = [
  [/^unreachable/, "unreachable"],
  [/memory access out of bounds|data segment .*out of bounds|offset is out of bounds/, "out_of_bounds"],
  [/divide by zero|remainder by zero/, "integer_divide_by_zero"],
  [/divide result unrepresentable|integer overflow/, "integer_overflow"],
  [/float unrepresentable|invalid conversion/, "invalid_conversion"],
  [/table index is out of bounds|signature mismatch|null function/, "indirect_call"],
];

/** Classify anything thrown out of a guest call. */
export function classifyTrap(error: unknown): { kind: TrapKind; message: string } {
  if (error instanceof HostTrap) return { kind: error.kind, message: error.message };
  if (error instanceof wasm.RuntimeError) {
    const found = RUNTIME_ERROR_KINDS.find(([pattern]) => pattern.test(error.message));
    return { kind: found ? found[1] : "unknown", message: error.message };
  }
  if (error instanceof RangeError && /call stack size/i.test(error.message)) {
    return { kind: "stack_exhaustion", message: "call stack exhausted" };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "host_error", message };
}

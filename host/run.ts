// One run(): a fresh instance, then the phase's invocation pattern — once,
// again after each yield or subrequest (same instance, globals and memory
// kept), or once per response chunk in the body filter. Guest failures become
// part of the result; run() itself does not throw for them.

import { HOST_FUNCTION_BY_NAME, LogLevel, PHASES, type PhaseInfo } from "../host-abi/tables.js";
import { RESPONDING_PHASES, RunContext, type HostParts } from "./context.js";
import { hostFunctions } from "./functions.js";
import { bodyTooLarge } from "./request.js";
import { buildImports } from "./imports.js";
import type { Guest } from "./load.js";
import { FUEL_EXPORT, fuelExhaustedMessage, UNLIMITED_FUEL } from "./fuel.js";
import { GROW_REFUSED_EXPORT, memoryLimitMessage } from "./memory-limit.js";
import { HANDLER_TYPE } from "./validate.js";
import { classifyTrap, HostTrap, type TrapKind } from "./traps.js";
import type { RunOptions, RunResult } from "./types.js";
import { wasm, type WasmInstance, type WasmMemory } from "./wasm-api.js";
import { formatFuncType } from "./wasm-module.js";

const DEFAULT_MAX_INVOCATIONS = 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? encoder.encode(v) : v);

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** How the invocations ended. */
interface Outcome {
  ok: boolean;
  returnCode?: number;
  trap?: { kind: TrapKind; message: string };
  /** "trapped" for guest traps, "failed" for host-side refusals (missing export, loop bound, resolver error) */
  failure?: "trapped" | "returned" | "failed";
  invocations: number;
  /** fuel the invocations used */
  fuel: number;
  /** body_filter output per chunk */
  chunks: Uint8Array[];
  /** the host answered before the guest ran (413: a body over wasm_request_body_buffer_size) */
  hostStatus?: number;
}

const HOST_SIDE_KINDS: ReadonlySet<TrapKind> = new Set(["invalid_export", "instantiation", "too_many_invocations", "host_error"]);

function phaseInfo(options: RunOptions): PhaseInfo {
  const info = PHASES.find((p) => p.name === options.phase);
  if (!info) throw new TypeError(`run(): unknown phase "${String(options.phase)}" (one of ${PHASES.map((p) => p.name).join(", ")})`);
  return info;
}

export async function runGuest(guest: Guest, parts: HostParts, options: RunOptions): Promise<RunResult> {
  const phase = phaseInfo(options);
  const exportName = options.export ?? phase.export;
  const ctx = new RunContext(phase.name, parts, options);
  const outcome = await invoke(guest, exportName, ctx, options);
  return buildResult(guest, exportName, ctx, outcome);
}

async function invoke(guest: Guest, exportName: string, ctx: RunContext, options: RunOptions): Promise<Outcome> {
  const outcome: Outcome = { ok: false, invocations: 0, fuel: 0, chunks: [] };
  const fail = (error: unknown): Outcome => {
    outcome.trap = classifyTrap(error);
    outcome.failure = HOST_SIDE_KINDS.has(outcome.trap.kind) ? "failed" : "trapped";
    return outcome;
  };

  const exp = guest.exports.find((e) => e.name === exportName);
  if (!exp || exp.kind !== "function") {
    const handlers = guest.exports.filter((e) => e.kind === "function").map((e) => e.name);
    return fail(new HostTrap("invalid_export", `the guest exports no function "${exportName}" (its functions: ${handlers.join(", ") || "none"})`));
  }
  if (formatFuncType(exp.type!) !== formatFuncType(HANDLER_TYPE)) {
    return fail(new HostTrap("invalid_export", `the export has type ${formatFuncType(exp.type!)}; a handler must be ${formatFuncType(HANDLER_TYPE)}`));
  }

  if (RESPONDING_PHASES.includes(ctx.phase) && guest.imports.some((i) => HOST_FUNCTION_BY_NAME.get(i)?.readsRequestBody)) {
    const tooLarge = bodyTooLarge(ctx, guest.name, exportName);
    if (tooLarge !== undefined) {
      ctx.logs.push({ level: LogLevel.ERR, levelName: "ERR", message: tooLarge, source: "host" });
      outcome.hostStatus = 413;
      return outcome;
    }
  }

  let instance: WasmInstance;
  try {
    instance = await wasm.instantiate(guest.module, buildImports(hostFunctions(ctx), ctx));
  } catch (e) {
    const t = classifyTrap(e);
    return fail(new HostTrap(t.kind === "phase_violation" ? t.kind : "instantiation", `instantiating the guest failed: ${t.message}`));
  }
  ctx.attach(instance.exports.memory as WasmMemory);
  const handler = instance.exports[exportName] as () => number;
  // 1 while the guest's latest memory.grow was refused (host/memory-limit.ts).
  const growRefused = guest.memoryLimit.tracksRefusedGrow ? (instance.exports[GROW_REFUSED_EXPORT] as { value: number }) : undefined;
  // fuel left to the running invocation (host/fuel.ts)
  const fuel = instance.exports[FUEL_EXPORT] as { value: bigint } | undefined;
  const limit = options.fuelLimit ? BigInt(options.fuelLimit) : UNLIMITED_FUEL;
  if (options.fuelLimit && !fuel) {
    return fail(new HostTrap("host_error", "wasm_fuel_limit cannot apply: the host could not add fuel to this guest's code"));
  }

  /** One call of the export; false when it failed. */
  const callOnce = (): boolean => {
    outcome.invocations++;
    ctx.yielded = false;
    ctx.active = true;
    if (fuel) fuel.value = limit;
    try {
      outcome.returnCode = handler();
    } catch (e) {
      // A guest trap right after a refused grow: the allocator gave up at the cap (nginx's words).
      if (growRefused?.value && e instanceof wasm.RuntimeError) fail(new HostTrap("memory_limit", memoryLimitMessage(guest.memoryLimit.pages)));
      else if (fuel && fuel.value < 0n && e instanceof wasm.RuntimeError) fail(new HostTrap("fuel_exhausted", fuelExhaustedMessage(options.fuelLimit!)));
      else fail(e);
      return false;
    } finally {
      ctx.active = false;
      // what this call used; all of it when it ran out
      if (fuel) outcome.fuel += Number(limit - (fuel.value < 0n ? 0n : fuel.value));
    }
    if (outcome.returnCode !== 0) {
      outcome.failure = "returned";
      return false;
    }
    return true;
  };

  if (ctx.phase === "body_filter") {
    const input = (options.response?.chunks ?? [""]).map(toBytes);
    if (input.length === 0) input.push(new Uint8Array());
    for (let i = 0; i < input.length; i++) {
      ctx.bodyFilter.begin(input[i]!, i === input.length - 1);
      if (!callOnce()) return outcome;
      outcome.chunks.push(ctx.bodyFilter.result());
    }
    outcome.ok = true;
    return outcome;
  }

  const maxInvocations = options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS;
  for (;;) {
    if (!callOnce()) return outcome;
    if (ctx.subrequest.pending) {
      try {
        await ctx.subrequest.finish(options.subrequest, ctx.logs, options.subrequestBufferSize);
      } catch (e) {
        return fail(new HostTrap("host_error", `the subrequest resolver threw: ${(e as Error).message ?? String(e)}`));
      }
    } else if (ctx.yielded) {
      await new Promise((resolve) => setImmediate(resolve)); // let other work run, as nginx would
    } else {
      break;
    }
    if (outcome.invocations >= maxInvocations) {
      return fail(new HostTrap("too_many_invocations", `too many re-invocations (the export asked to run again after ${maxInvocations} invocations; maxInvocations, wasm_max_invocations in nginx)`));
    }
  }
  outcome.ok = true;
  return outcome;
}

function errorLine(guest: Guest, exportName: string, ctx: RunContext, outcome: Outcome): string | undefined {
  const head = `guest "${guest.name}" export "${exportName}" (phase ${ctx.phase})`;
  if (outcome.failure === "returned") return `${head} returned ${outcome.returnCode}`;
  if (outcome.trap) return `${head} ${outcome.failure}: ${outcome.trap.kind}: ${outcome.trap.message}`;
  return undefined;
}

function buildResult(guest: Guest, exportName: string, ctx: RunContext, outcome: Outcome): RunResult {
  const resp = ctx.response;
  const upstreamBody = concat((ctx.options.response?.chunks ?? []).map(toBytes));
  const responding = RESPONDING_PHASES.includes(ctx.phase);
  let status = resp.status;
  let headers = resp.headerRecord();
  let body: Uint8Array = new Uint8Array();
  let fellThrough = false;

  if (responding) {
    fellThrough = outcome.ok && ctx.phase !== "content" && !resp.statusSetByGuest && resp.body === undefined;
    if (!outcome.ok) {
      // nginx answers 500 (or the host's own status) with its own error page; the guest's headers and body are dropped.
      status = outcome.hostStatus ?? 500;
      headers = {};
    } else if (!fellThrough) {
      status = resp.status || 200;
      body = resp.body ?? body;
      if (resp.body !== undefined) headers["content-type"] ??= "text/plain";
    }
  } else if (ctx.phase === "body_filter") {
    body = concat(outcome.chunks);
  } else if (ctx.phase === "header_filter" && !outcome.ok) {
    // Headers are not sent yet: nginx replaces the response with its 500 page.
    status = 500;
    headers = {};
  } else if (ctx.phase === "header_filter" || ctx.phase === "log") {
    body = upstreamBody;
  }

  return {
    ok: outcome.ok,
    status,
    headers,
    body: decoder.decode(body),
    bodyBytes: body,
    chunks: outcome.chunks,
    logs: ctx.logs,
    returnCode: outcome.returnCode,
    trap: outcome.trap,
    error: errorLine(guest, exportName, ctx, outcome),
    invocations: outcome.invocations,
    fuel: outcome.fuel,
    fellThrough,
    requestHeaders: ctx.request.headerRecord(),
    variables: ctx.variables.userRecord(),
    request: { method: ctx.request.method, uri: ctx.request.uri, args: ctx.request.args },
    subrequests: ctx.subrequest.calls,
    peer: ctx.peer,
    sslRejectAlert: ctx.sslRejectAlert,
    certificate: ctx.certificate,
  };
}

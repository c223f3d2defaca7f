// Everything one run() owns: the phase, the request/response state, the
// guest's memory, and the phase gate every host call passes through first.

import { HOST_FUNCTION_BY_NAME, type HostFunctionName, type Phase } from "../host-abi/tables.js";
import { BodyFilterState } from "./body-filter.js";
import type { Clock } from "./clock.js";
import { GuestMemory } from "./memory.js";
import type { Metrics } from "./metrics.js";
import { RequestState } from "./request.js";
import { ResponseState } from "./response.js";
import type { SharedDict } from "./shared-dict.js";
import { SubrequestState } from "./subrequest.js";
import { HostTrap } from "./traps.js";
import type { LogEntry, RunOptions } from "./types.js";
import { Variables } from "./variables.js";
import type { WasmMemory } from "./wasm-api.js";

/** What runs share: owned by the Host. */
export interface HostParts {
  shm: SharedDict;
  metrics: Metrics;
  clock: Clock;
}

/** Phases that run before the response header is sent (the guest can still produce the response). */
export const RESPONDING_PHASES: readonly Phase[] = ["server_rewrite", "rewrite", "access", "content"];

export class RunContext {
  readonly request: RequestState;
  readonly variables: Variables;
  readonly response: ResponseState;
  readonly bodyFilter = new BodyFilterState();
  readonly subrequest = new SubrequestState();
  readonly logs: LogEntry[] = [];
  /** set by ngx_wasm_yield during the current invocation */
  yielded = false;
  /** true only while the handler export runs: host calls from a start function are refused */
  active = false;
  readonly peers: number;
  peer?: number;
  sslRejectAlert?: number;
  certificate?: { cert: string; key: string };
  private guestMemory?: GuestMemory;

  constructor(
    readonly phase: Phase,
    private readonly parts: HostParts,
    readonly options: RunOptions,
  ) {
    this.request = new RequestState(options.request);
    this.variables = new Variables(
      {
        request: this.request,
        status: () => this.response.status,
        balancer: phase === "balancer" ? { try: options.upstream?.try ?? 1, peers: options.upstream?.peers ?? 1 } : undefined,
      },
      options.request?.variables,
    );
    const upstream = options.response ?? {};
    if (RESPONDING_PHASES.includes(phase)) this.response = new ResponseState(0, {}, false);
    else if (phase === "header_filter") this.response = new ResponseState(upstream.status ?? 200, upstream.headers ?? {}, false);
    else if (phase === "body_filter" || phase === "log") this.response = new ResponseState(upstream.status ?? 200, upstream.headers ?? {}, true);
    else this.response = new ResponseState(0, {}, true);
    this.peers = options.upstream?.peers ?? 1;
  }

  get shm(): SharedDict {
    return this.parts.shm;
  }
  get metrics(): Metrics {
    return this.parts.metrics;
  }
  get clock(): Clock {
    return this.parts.clock;
  }

  get memory(): GuestMemory {
    if (!this.guestMemory) throw new HostTrap("host_error", "guest memory is not attached yet");
    return this.guestMemory;
  }

  attach(memory: WasmMemory): void {
    this.guestMemory = new GuestMemory(memory);
  }

  /**
   * Called before every host function: the phase rules. (The memory limit is
   * in the module itself: a grow past it fails, see host/memory-limit.ts.)
   */
  enter(name: HostFunctionName): void {
    if (!this.active) {
      throw new HostTrap("phase_violation", `${name} was called outside a handler (from the module's start function)`);
    }
    const allowed = HOST_FUNCTION_BY_NAME.get(name)!.phases;
    if (!allowed.includes(this.phase)) {
      throw new HostTrap("phase_violation", `${name} is not allowed in phase ${this.phase} (allowed in: ${allowed.join(", ")})`);
    }
  }
}

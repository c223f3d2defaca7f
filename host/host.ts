// The in-process ngx_wasm host: load guests, run one phase handler per call of
// run(), with a shared dict, metrics and a clock that live as long as the Host.

import { Limit } from "../host-abi/tables.js";
import { Clock } from "./clock.js";
import { loadGuest, type Guest } from "./load.js";
import { Metrics } from "./metrics.js";
import { runGuest } from "./run.js";
import { DEFAULT_SHM_CAPACITY, SharedDict } from "./shared-dict.js";
import type { HostOptions, RunOptions, RunResult } from "./types.js";


export class Host {
  readonly shm: SharedDict;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly maxMemoryPages: number;

  constructor(options: HostOptions = {}) {
    this.clock = new Clock(options.clock ?? "real");
    this.shm = new SharedDict(this.clock, options.shm?.capacityBytes ?? DEFAULT_SHM_CAPACITY);
    this.metrics = new Metrics(options.metrics);
    this.maxMemoryPages = options.maxMemoryPages ?? Limit.MEMORY_MAX_PAGES;
  }

  /**
   * Load a guest from a .wasm path or bytes. Throws GuestLoadError naming the
   * file and each offending item when it is not a valid ABI v1 guest.
   */
  load(source: string | Uint8Array, name?: string): Promise<Guest> {
    return loadGuest(source, name, this.maxMemoryPages);
  }

  /**
   * Run one phase handler for one request on a fresh instance. Yields and
   * subrequests re-invoke the same export on the same instance until it
   * returns without asking again. Guest failures are reported in the result.
   * A guest stuck in a loop cannot be preempted in-process (nginx's host has a
   * time limit): it blocks this thread, so give such tests a timeout.
   */
  run(guest: Guest, options: RunOptions): Promise<RunResult> {
    return runGuest(guest, { shm: this.shm, metrics: this.metrics, clock: this.clock }, options);
  }
}

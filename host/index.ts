// The in-process host's public API.

export { Host } from "./host.js";
export type { HostOptions, RunOptions, RunResult, SubrequestCall, SubrequestReply, LogEntry } from "./types.js";
export { GuestLoadError, type Guest } from "./load.js";
export type { TrapKind } from "./traps.js";
export { Clock, type ClockMode } from "./clock.js";
export { SharedDict, SHM_ENTRY_OVERHEAD, DEFAULT_SHM_CAPACITY } from "./shared-dict.js";
export { Metrics, type MetricDeclaration, type MetricDeclarations } from "./metrics.js";
export type { Phase } from "../host-abi/tables.js";

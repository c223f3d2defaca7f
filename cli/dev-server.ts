// What `ngxwasm dev` serves and how it talks: the guests (each with its
// location and phase handlers), the interface both serving hosts implement
// (real nginx: dev-nginx.ts; the in-process host: dev-ts.ts), and the
// terminal lines they print.
import type { Handler } from "./nginx-conf.js";

/** One guest as the dev loop serves it. */
export interface DevGuest {
  name: string;
  /** The entry as given on the command line (a directory or a .ts file). */
  entry: string;
  /** Where `ngxwasm build` writes it; the servers copy or load the last good build from here. */
  wasmPath: string;
  /** The location prefix it is served at (unused for server-level phases). */
  location: string;
  handlers: Handler[];
}

/** Real nginx with this project's module, or the in-process TypeScript host. */
export interface DevServer {
  readonly mode: "nginx" | "ts";
  /** One line for start-up: what serves, and where. */
  readonly description: string;
  /**
   * Serve the current builds of `guests` (those that have built so far):
   * the first call starts the server, later ones switch it to the new
   * builds and resolve once new requests get them. Rejects with DevServeError
   * when the new builds are refused; the previous ones are still served then.
   */
  serve(guests: readonly DevGuest[]): Promise<void>;
  /** Stop serving and end every child process; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Metrics declared with --counter/--gauge: the series both servers know
 * (nginx: wasm_counter/wasm_gauge lines; the in-process host: its Metrics),
 * served as Prometheus text at `location`.
 */
export interface DevMetrics {
  counters: string[];
  gauges: string[];
  location: string;
}

/** What both servers are given: where to listen, the origin, the metrics, where lines go. */
export interface DevServerOptions {
  host: string;
  port: number;
  origin?: string;
  metrics?: DevMetrics;
  /** Where lines go: guest log lines to `out`, failures to `err`. */
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The server refused the new builds (nginx's message, or a load error); the old ones still serve. */
export class DevServeError extends Error {
  override name = "DevServeError";
}

/** A guest's `ngx_wasm_log` line as printed to the terminal, the same on both hosts: `[info] [wasm] message`. */
export function guestLogLine(level: string, message: string): string {
  return `[${level.toLowerCase()}] [wasm] ${message}`;
}

/** `http://127.0.0.1:8080` (IPv6 addresses in brackets). */
export function serverUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Guests in the order requests are matched: longest location prefix first, as nginx's prefix locations. */
export function byLocation(guests: readonly DevGuest[]): DevGuest[] {
  return [...guests].sort((a, b) => b.location.length - a.location.length);
}

/** Whether the guest's handlers run at server level (server_rewrite), outside any location. */
export function isServerLevel(guest: DevGuest): boolean {
  return guest.handlers.every((h) => !h.phase.contexts.includes("location"));
}

// rate-limit — a fixed-window rate limiter in the shared dict, exact across
// all workers: each client (the X-Client header, else the client address)
// may make LIMIT requests per WINDOW_MS; the rest get 429 with Retry-After.
// The count of a window lives under its own key ("rl:<client>:<window>"),
// created and counted by one atomic SharedDict.incr, so two workers never
// lose a hit. No TTL: ABI v1 has no atomic "incr with TTL" (OpenResty's
// init_ttl), and a separate setEx would race with other workers' incr; a
// past window's key is never read again and leaves the zone through its
// least-recently-used eviction.
// Shows: SharedDict.incr, Time, Response.exit in the access phase.
//
// nginx:  wasm_shm_zone guests 1m;
//         location /limited/ { access_by_wasm rate-limit.wasm on_access; return 200 "ok\n"; }
//   for i in $(seq 12); do curl -s -o /dev/null -w '%{http_code} ' localhost:18080/limited/; done
//   → 200 × 10, then 429 429 (the next window starts a new count)
import { handle, Request, Response, SharedDict, Time, Variables } from "ngxwasm";

/** Requests a client may make per window. */
const LIMIT = 10;
/** Window length in milliseconds. */
const WINDOW_MS: u64 = 60_000;

function limit(): void {
  const header = Request.header("X-Client");
  const addr = Variables.get("remote_addr");
  const client = header !== null ? header : addr !== null ? addr : "-";
  const now = Time.unixMs();
  const window = now / WINDOW_MS;
  const hits = SharedDict.incr("rl:" + client + ":" + window.toString());
  if (hits > LIMIT) {
    const retry = (window + 1) * WINDOW_MS - now;
    Response.setHeader("Retry-After", ((retry + 999) / 1000).toString());
    Response.exit(429, "too many requests\n");
  }
}

export function on_access(): i32 {
  return handle(limit);
}

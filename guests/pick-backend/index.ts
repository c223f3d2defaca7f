// pick-backend — chooses the upstream server from the X-Backend request
// header (`a`, `b`, `c`… or a zero-based index) and, when nginx retries under
// proxy_next_upstream because that server failed, falls back to the next one
// (`$wasm_balancer_try` counts the tries). Without the header it leaves the
// choice to round robin. A name beyond the upstream's servers aborts (502)
// with a log line naming the index and how many servers there are.
// Shows: Balancer.setPeer / tryNumber / peers, Request.header in the balancer.
//
// nginx:  upstream backends {
//             balancer_by_wasm pick-backend.wasm on_balancer;
//             server 127.0.0.1:18091;   # 0: a
//             server 127.0.0.1:18092;   # 1: b
//             server 127.0.0.1:18093;   # 2: c
//             keepalive 8;              # after balancer_by_wasm
//         }
//         location /pick { proxy_pass http://backends; proxy_http_version 1.1;
//                          proxy_set_header Connection ""; }
//   curl localhost:18080/pick -H 'X-Backend: b'  → "origin b"
import { Balancer, Request } from "ngxwasm";

/** `a` → 0, `b` → 1, …; digits → that index; -1 for anything else. */
function indexOf(name: string): i32 {
  if (name.length == 1) {
    const c = name.charCodeAt(0);
    if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  }
  if (name.length == 0 || name.length > 4) return -1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return I32.parseInt(name);
}

export function on_balancer(): i32 {
  const backend = Request.header("X-Backend");
  if (backend === null) return 0; // round robin
  const chosen = indexOf(backend.toLowerCase());
  if (chosen < 0) return 0;
  const attempt = Balancer.tryNumber();
  if (attempt <= 1) {
    Balancer.setPeer(chosen); // aborts when there is no such server
  } else {
    // the chosen server failed: the next ones in turn
    const peers = Balancer.peers();
    Balancer.setPeer((chosen + attempt - 1) % peers);
  }
  return 0;
}

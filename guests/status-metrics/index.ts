// status-metrics — counts responses by status class in the log phase, as the
// Prometheus series responses_total{class="2xx"}, {class="4xx"}, … that a
// `wasm_metrics;` location serves. Its content handler answers /status/<code>
// with that status (200..599), so the counts can be seen moving:
//     curl localhost:18080/status/404; curl localhost:18080/metrics
// Shows: Counter with labels (the guest names a series exactly as nginx.conf
// declares it), the log phase (Response.status() is the status that was sent).
//
// nginx (http block; a name with labels is quoted and has no spaces):
//     wasm_metrics_zone metrics 64k;
//     wasm_counter 'responses_total{class="1xx"}' "Responses by status class";
//     wasm_counter 'responses_total{class="2xx"}';
//     wasm_counter 'responses_total{class="3xx"}';
//     wasm_counter 'responses_total{class="4xx"}';
//     wasm_counter 'responses_total{class="5xx"}';
//     server {
//         location = /metrics { wasm_metrics; }
//         location /status/ {
//             content_by_wasm status-metrics.wasm on_content;
//             log_by_wasm     status-metrics.wasm on_log;
//         }
//     }
// (`log_by_wasm status-metrics.wasm on_log;` at server level counts every
// response of the server instead.)
import { Counter, Request, Response, handle } from "ngxwasm";

const CLASSES: string[] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

export function on_log(): i32 {
  return handle((): void => {
    const cls = Response.status() / 100;
    if (cls < 1 || cls > 5) return;
    Counter.inc('responses_total{class="' + CLASSES[cls - 1] + '"}');
  });
}

export function on_content(): i32 {
  return handle((): void => {
    const uri = Request.uri();
    const code = parseInt(uri.slice(uri.lastIndexOf("/") + 1), 10);
    if (isNaN(code) || code != Math.floor(code) || code < 200 || code > 599) {
      Response.exit(400, "use /status/<code>, a code from 200 to 599\n");
      return;
    }
    Response.setStatus(<i32>code);
    Response.say("status " + (<i32>code).toString());
  });
}

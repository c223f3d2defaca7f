// SDK test guest: metrics — counters and gauges, a labelled series named at
// run time, and an undeclared name.
import { Counter, Gauge, Request, handle } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    Counter.inc("hits");
    Counter.inc("hits", 41);
    Gauge.set("inflight", 10);
    Gauge.add("inflight", -3);
    // the series exactly as declared: wasm_counter 'requests_total{method="GET"}';
    Counter.inc('requests_total{method="' + Request.method() + '"}');
  });
}

export function on_log(): i32 {
  return handle((): void => {
    Counter.inc("logged");
  });
}

export function on_undeclared(): i32 {
  return handle((): void => {
    Counter.inc("not_declared");
  });
}

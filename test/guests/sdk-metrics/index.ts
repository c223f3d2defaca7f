// SDK test guest: metrics — counters and gauges, and an undeclared name.
import { Counter, Gauge, handle } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    Counter.inc("hits");
    Counter.inc("hits", 41);
    Gauge.set("inflight", 10);
    Gauge.add("inflight", -3);
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

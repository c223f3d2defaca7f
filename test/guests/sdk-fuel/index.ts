// Fuel (wasm_fuel_limit, wasm_timeslice_fuel): work that grows with ?n=, in
// loops and calls, so a test can check that both hosts charge the same units
// for the same request (test/e2e/fuel.test.ts); a yielding export that gets a
// fresh budget on each invocation; and one that works between launching a
// subrequest and reading it (test/e2e/timeslice.test.ts).
import { Request, Response, Stage, Subrequest, handle, yieldNow } from "../../../sdk";

function step(x: u32): u32 {
  return (x * 1103515245 + 12345) >>> 1;
}

function work(n: i64): u32 {
  let x: u32 = 1;
  for (let i: i64 = 0; i < n; i++) x = step(x);
  return x;
}

function arg(): i64 {
  const n = Request.query("n");
  return n !== null ? I64.parseInt(n) : 0;
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("work " + work(arg()).toString());
  });
}

let rounds = 0;

// three invocations (it yields twice), each doing ?n= steps
export function on_content_yield(): i32 {
  return handle((): void => {
    work(arg());
    if (++rounds < 3) {
      yieldNow();
      return;
    }
    Response.say("rounds " + rounds.toString());
  });
}

const stage = new Stage();

// a subrequest to /sub, ?n= steps of work while it runs, then its answer
export function on_content_subrequest(): i32 {
  return handle((): void => {
    if (stage.is(0)) {
      Subrequest.fetch("/sub");
      stage.next();
      Response.print("work " + work(arg()).toString() + ", ");
      return;
    }
    Response.say("subrequest " + Subrequest.status().toString() + " " + Subrequest.bodyText());
  });
}

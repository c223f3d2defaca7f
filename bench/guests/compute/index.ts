// make bench's CPU-bound guest: ?n= steps of a linear congruential
// generator, then the result. With n calibrated to ~200 ms it is the long
// request beside which the bench measures hello's latency, with and
// without wasm_timeslice_fuel.
import { Request, Response, handle } from "ngxwasm";

export function on_content(): i32 {
  return handle((): void => {
    const q = Request.query("n");
    const n: i64 = q !== null ? I64.parseInt(q) : 0;
    let x: u32 = 1;
    for (let i: i64 = 0; i < n; i++) x = (x * 1103515245 + 12345) >>> 1;
    Response.say(x.toString());
  });
}

// Step tables, for ABI areas whose calls leave state behind (the shared dict,
// metrics): a case is a list of steps, each step one export of a table guest
// served as a content handler, run in order on one host, and each prints one
// line per call it makes. The same table runs on the in-process host and on
// nginx (a location per step), and must print the same lines.
import { expect } from "vitest";
import type { Guest, Host } from "../../host/index.js";
import type { Nginx } from "../support/nginx.js";

/** What one step's request gave: it answered 200, it trapped, its body. */
export interface StepResult {
  ok: boolean;
  trapped: boolean;
  body: string;
}

/** Runs a step's export on one host. */
export interface TableHost {
  run(exportName: string): Promise<StepResult>;
}

/** A call and the line it must print. */
export interface StepOp {
  expect: string;
}

/** The calls of one step, or one call that must trap; `sleepMs` first (expiries). */
export type Step<Op extends StepOp> = ({ ops: Op[] } | { trap: Op }) & { sleepMs?: number };

/** The export (and nginx location) of step `j` of case `i`. */
export const stepExport = (i: number, j: number): string => `c${i}_s${j}`;

/** The in-process host running the table guest (both given late: they exist after beforeAll). */
export function tsTableHost(guest: () => Guest, host: () => Host): TableHost {
  return {
    async run(exportName) {
      const r = await host().run(guest(), { phase: "content", export: exportName });
      return { ok: r.ok && r.status === 200, trapped: !r.ok && r.trap !== undefined, body: r.body };
    },
  };
}

/** nginx serving the table guest at /t/<export> (tableLocations): a 500 is a trap when the log line says so. */
export function nginxTableHost(ngx: () => Nginx): TableHost {
  return {
    async run(exportName) {
      const mark = ngx().logSize();
      const res = await ngx().get(`/t/${exportName}`);
      let trapped = false;
      if (res.status === 500) {
        const line = await ngx().waitForLog(new RegExp(`export "${exportName}" \\(phase content\\) (trapped|returned)`), mark);
        trapped = line.includes("trapped");
      }
      return { ok: res.status === 200, trapped, body: res.text };
    },
  };
}

/** One location per step: /t/c<i>_s<j> runs that export of `wasm`. */
export function tableLocations(wasm: string, cases: { steps: unknown[] }[]): string {
  return cases
    .flatMap((cs, i) => cs.steps.map((_, j) => `location = /t/${stepExport(i, j)} { content_by_wasm ${wasm} ${stepExport(i, j)}; }`))
    .join("\n        ");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the steps of case `index` in order: each prints its calls' expected lines, or traps. */
export async function runSteps<Op extends StepOp>(host: TableHost, index: number, steps: Step<Op>[], describeOp: (op: Op) => string): Promise<void> {
  for (const [j, step] of steps.entries()) {
    if (step.sleepMs) await sleep(step.sleepMs);
    const r = await host.run(stepExport(index, j));
    if ("trap" in step) {
      expect(r.trapped, `step ${j}: ${describeOp(step.trap)} traps`).toBe(true);
      continue;
    }
    expect(r.ok, `step ${j} ran: ${r.body}`).toBe(true);
    const got = r.body.split("\n").slice(0, -1);
    expect(step.ops.map((op, k) => `${describeOp(op)} → ${got[k]}`), `step ${j}`).toEqual(step.ops.map((op) => `${describeOp(op)} → ${op.expect}`));
    expect(got.length).toBe(step.ops.length);
  }
}

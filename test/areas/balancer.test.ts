// ABI area "balancer" (ngx_wasm_balancer_set_peer) at the raw ABI. The nginx
// host has no balancer_by_wasm yet (host-abi/hosts.json), so the table runs
// on the in-process host only (runner.ts generates no nginx rows for it);
// once hosts.json gives nginx the area and phase, the same rows run there.
// Reports go to the log (the balancer phase has no response of its own).
import { expect } from "vitest";
import { areaSuite, phaseGateCases, type AreaCase, type Observed } from "./runner.js";

const setPeer = (i: number) => `(call $rc (call $ngx_wasm_balancer_set_peer (i32.const ${i})))`;
const noPeer = (o: Observed): void => expect(o.ts?.peer, "no peer chosen").toBeUndefined();

const CASES: AreaCase[] = [
  {
    name: "balancer_set_peer(0) of one server: 0, that peer",
    phase: "balancer",
    wat: setPeer(0),
    expect: { report: "rc=0;", peer: 0 },
  },
  {
    name: "balancer_set_peer(2) of three servers: 0, that peer",
    phase: "balancer",
    wat: setPeer(2),
    ts: { upstream: { peers: 3 } },
    expect: { report: "rc=0;", peer: 2 },
  },
  {
    name: "balancer_set_peer: the last call wins",
    phase: "balancer",
    wat: `${setPeer(1)} ${setPeer(2)}`,
    ts: { upstream: { peers: 3 } },
    expect: { report: "rc=0;rc=0;", peer: 2 },
  },
  ...[3, 4, -1, 0x7fffffff, -0x80000000].map(
    (i): AreaCase => ({
      name: `balancer_set_peer(${i}) of three servers: -2 (out of range), no peer chosen`,
      phase: "balancer",
      wat: setPeer(i),
      ts: { upstream: { peers: 3 } },
      expect: { report: "rc=-2;", check: noPeer },
    }),
  ),
  {
    name: "balancer_set_peer out of range after a valid one: -2, the earlier choice stays",
    phase: "balancer",
    wat: `${setPeer(1)} ${setPeer(5)}`,
    ts: { upstream: { peers: 3 } },
    expect: { report: "rc=0;rc=-2;", peer: 1 },
  },
  {
    name: "balancer: not calling balancer_set_peer chooses nothing",
    phase: "balancer",
    wat: `(call $say (str "none;"))`,
    ts: { upstream: { peers: 3 } },
    expect: { report: "none;", check: noPeer },
  },
  {
    name: "balancer: a trap fails the phase",
    phase: "balancer",
    wat: `${setPeer(0)} unreachable`,
    expect: { trap: /unreachable/ },
  },
  ...phaseGateCases("balancer"),
];

areaSuite("ABI area balancer (ngx_wasm_balancer_set_peer)", CASES);

// ABI area "balancer" (ngx_wasm_balancer_set_peer) at the raw ABI, on both
// hosts. On nginx each case has an upstream block of `ts.upstream.peers`
// servers (Node servers, server k answering with X-Peer: k) with the case's
// balancer_by_wasm, so `peer` is the server that answered; without a choice
// nginx falls back to round robin (some server answers), the TS host reports
// no peer. Reports go to the log (the balancer phase has no response of its
// own).
import { expect } from "vitest";
import { areaSuite, phaseGateCases, type AreaCase, type Observed } from "./runner.js";

const setPeer = (i: number) => `(call $rc (call $ngx_wasm_balancer_set_peer (i32.const ${i})))`;
const noPeer = (o: Observed): void => expect(o.ts?.peer, "no peer chosen").toBeUndefined();
/** nginx answers a failed balancer with 502 (the TS host has no response for the phase) */
const badGateway = (o: Observed): void => {
  if (o.host === "nginx") expect(o.status, "502 from nginx").toBe(502);
};
const show = (name: string) =>
  `(local.set $n (call $ngx_wasm_var_get (str "${name}") (global.get $BUF) (i32.const 256)))
   (call $rc (local.get $n))
   (if (i32.ge_s (local.get $n) (i32.const 0)) (then (call $peek (local.get $n))))`;

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
    name: "var_get $wasm_balancer_try and $wasm_balancer_peers: the first try of three servers",
    phase: "balancer",
    wat: `${show("wasm_balancer_try")} ${show("wasm_balancer_peers")} ${setPeer(1)}`,
    ts: { upstream: { peers: 3 } },
    expect: { report: "rc=1;[1]rc=1;[3]rc=0;", peer: 1 },
  },
  {
    name: "var_set $wasm_balancer_try: -2 (not changeable)",
    phase: "balancer",
    wat: `(call $rc (call $ngx_wasm_var_set (str "wasm_balancer_try") (str "7")))`,
    expect: { report: "rc=-2;" },
  },
  {
    name: "balancer: a non-zero return fails the phase",
    phase: "balancer",
    wat: `${setPeer(0)} (return (i32.const 3))`,
    expect: { returned: 3, check: badGateway },
  },
  {
    name: "balancer: a trap fails the phase",
    phase: "balancer",
    wat: `${setPeer(0)} unreachable`,
    expect: { trap: /unreachable/, check: badGateway },
  },
  ...phaseGateCases("balancer"),
];

areaSuite("ABI area balancer (ngx_wasm_balancer_set_peer)", CASES);

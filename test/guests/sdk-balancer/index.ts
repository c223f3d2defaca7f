// SDK test guest: balancer — choose the peer named by a request header.
import { Balancer, Request } from "../../../sdk";

export function on_balancer(): i32 {
  const h = Request.header("X-Peer");
  Balancer.setPeer(h !== null ? I32.parseInt(h) : 0);
  return 0;
}

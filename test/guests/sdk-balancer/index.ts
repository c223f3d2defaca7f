// SDK test guest: balancer — choose the peer named by a request header;
// "X-Peer: try" chooses try - 1 and logs the try and the peer count.
import { Balancer, Request, log } from "../../../sdk";

export function on_balancer(): i32 {
  const h = Request.header("X-Peer");
  if (h == "try") {
    log.notice("try " + Balancer.tryNumber().toString() + " of " + Balancer.peers().toString() + " peers");
    Balancer.setPeer(Balancer.tryNumber() - 1);
    return 0;
  }
  Balancer.setPeer(h !== null ? I32.parseInt(h) : 0);
  return 0;
}

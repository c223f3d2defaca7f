// SDK test guest: memory that stays reachable cannot be reclaimed, so these
// handlers hit the guest memory cap (16 MiB per instance) and trap; the host
// reports "memory limit (16 MiB) reached". It filters bodies, so `ngxwasm
// build` gives it the incremental runtime: what a filter keeps in globals
// stays (and counts), what it drops is collected.
import { BodyChunk } from "../../../sdk";

/** Every chunk so far: a global, so all of it stays alive. */
const kept = new Array<ArrayBuffer>();

export function on_body_keep(): i32 {
  kept.push(BodyChunk.read());
  return 0;
}

/** Allocates 1 MiB blocks, all kept, until the cap (any phase). */
export function on_content_grow(): i32 {
  for (;;) kept.push(new ArrayBuffer(1 << 20));
  return 0;
}

// SDK test guest: allocates until its memory runs out, keeping everything (a
// leak in a loop). AssemblyScript's allocator traps with `unreachable` when
// memory.grow is refused at the host's 16 MiB cap; nginx logs that as
// "memory limit (16 MiB) reached, then: unreachable executed".
// on_body is a body filter, so `ngxwasm build` gives this guest the
// incremental runtime (TLSF + GC); on_content alone would get the stub one.
import { BodyChunk } from "../../../sdk";

const kept: ArrayBuffer[] = [];

function hog(): void {
  while (kept.length < 1024) kept.push(new ArrayBuffer(1 << 20));
}

export function on_content(): i32 {
  hog();
  return 0;
}

export function on_body(): i32 {
  BodyChunk.read();
  hog();
  return 0;
}

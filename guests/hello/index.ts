// hello — the smallest guest: answers every request with "hello, world".
// Served by `content_by_wasm hello.wasm on_content;` (e.g. location /hello).
import { Response, handle } from "ngxwasm";

export function on_content(): i32 {
  return handle((): void => {
    Response.say("hello, world");
  });
}

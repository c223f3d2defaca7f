// hello — a content handler: GET /hello?name=ada answers "hello, ada".
// Served by `content_by_wasm …/hello.wasm on_content;` (see nginx/hello.conf).
// The SDK reference: node_modules/ngxwasm/sdk/README.md.
import { Request, Response, handle } from "ngxwasm";

export function on_content(): i32 {
  return handle((): void => {
    const name = Request.query("name");
    Response.setHeader("X-Greeter", "ngxwasm");
    Response.say("hello, " + (name !== null && name.length > 0 ? name : "world"));
  });
}

// auth — an access-phase guest: requests need `Authorization: Bearer <token>`
// where the token is registered in the shared dict as `token:<token>` → user
// name. Unknown or missing tokens get 401 with `WWW-Authenticate: Bearer`;
// valid ones continue with an `X-User` request header for the backend.
// Shows: access phase, SharedDict lookups, Response.exit, fall-through.
//
// nginx:  wasm_shm_zone guests 1m;
//         location /private/ { access_by_wasm auth.wasm on_access; proxy_pass http://backend; }
// Register a token from another guest (or a test): SharedDict.set("token:s3cret", "alice").
import { handle, log, Request, Response, SharedDict } from "../../sdk";

const BEARER = "Bearer ";

function deny(reason: string): void {
  log.info("auth: " + reason);
  Response.setHeader("WWW-Authenticate", "Bearer");
  Response.exit(401, "unauthorized\n");
}

function access(): void {
  const authorization = Request.header("Authorization");
  if (authorization === null || !authorization.startsWith(BEARER)) {
    deny("no bearer token");
    return;
  }
  const token = authorization.substring(BEARER.length).trim();
  if (token.length == 0 || token.length > 200) {
    deny("malformed token");
    return;
  }
  const user = SharedDict.get("token:" + token);
  if (user === null) {
    deny("unknown token");
    return;
  }
  Request.setHeader("X-User", user);
  // Falls through: the location's content handler serves the request.
}

export function on_access(): i32 {
  return handle(access);
}

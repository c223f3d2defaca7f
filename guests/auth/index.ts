// auth — an access-phase guest: requests need `Authorization: Bearer <token>`
// where the token is registered in the shared dict as `token:<token>` → user
// name. Unknown or missing tokens get 401 with `WWW-Authenticate: Bearer`;
// valid ones continue with an `X-User` request header for the backend.
// Shows: access phase, SharedDict lookups, Response.exit, fall-through.
//
// nginx:  wasm_shm_zone guests 1m;
//         location /private/ { access_by_wasm auth.wasm on_access; proxy_pass http://backend; }
// Register a token from another guest, a test (SharedDict.set("token:s3cret",
// "alice")), or this guest's on_register, an admin endpoint to keep private:
//         location = /auth/register { allow 127.0.0.1; deny all; content_by_wasm auth.wasm on_register; }
//   curl -X POST 'localhost:18080/auth/register?token=s3cret&user=alice'
import { handle, log, Request, Response, SharedDict } from "ngxwasm";

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

/** `POST ?token=T&user=U`: store `token:T` → U (201), for on_access to find. */
function register(): void {
  if (Request.method() != "POST") {
    Response.setHeader("Allow", "POST");
    Response.exit(405, "POST ?token=…&user=…\n");
    return;
  }
  const token = Request.query("token");
  const user = Request.query("user");
  if (token === null || user === null || token.length == 0 || token.length > 200 || user.length == 0) {
    Response.exit(400, "needs ?token=… (1 to 200 characters) and &user=…\n");
    return;
  }
  if (!SharedDict.set("token:" + token, user)) {
    Response.exit(507, "the shared dict cannot store it\n");
    return;
  }
  Response.setStatus(201);
  Response.say("registered a token for " + user);
}

export function on_register(): i32 {
  return handle(register);
}

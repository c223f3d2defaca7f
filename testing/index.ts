// ngxwasm/testing: unit-test guests in the in-process host and serve them
// from real nginx in end-to-end tests. Reference: host/README.md ("Testing
// your guests").
//
//   import { loadGuest } from "ngxwasm/testing";
//   const hello = await loadGuest("src/index.ts");              // built as `ngxwasm build` would
//   const r = await hello.run({ phase: "content", request: { uri: "/hello" } });
//   r.status, r.headers, r.body, r.logs, r.variables, r.subrequests; hello.host.shm
export { buildGuest, GuestBuildError, loadGuest, type BuildGuestOptions, type LoadGuestOptions, type TestGuest } from "./build.js";
export { defaultModulePath, serveGuests, type ServedGuest, type ServeOptions } from "./serve.js";
export {
  DEFAULT_NGINX_DIR,
  freePort,
  httpFetch,
  Nginx,
  NGINX_BIN,
  rawHttp,
  type CommandResult,
  type HttpResponse,
  type NginxOptions,
  type RequestOptions,
} from "./nginx.js";
export * from "../host/index.js";

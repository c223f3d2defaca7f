// nginx-internal subrequests (OpenResty's ngx.location.capture, re-invocation style).
import {
  ngx_wasm_subreq,
  ngx_wasm_subreq_get_body,
  ngx_wasm_subreq_get_body_len,
  ngx_wasm_subreq_get_status,
  Method,
  Status,
  SubrequestOption,
} from "./raw";
import { callSetter, fetchNamedString, Getter, ptr, Setter, utf8 } from "./internal/buffer";
import { callName, check, fail, HEADER_REFUSED } from "./internal/errors";
import { suspend } from "./internal/suspend";

let captured = false; // whether the last launch asked for the body

/**
 * Subrequests to locations of the same nginx (use an internal location with
 * `proxy_pass` to reach another server). One at a time per request.
 *
 * The flow takes two invocations: `fetch` launches and your handler
 * **returns**; when the subrequest has finished nginx calls the same export
 * again and `status`/`header`/`body`/`bodyText` read the result. Keep your
 * place in a global `Stage` (see `Stage` for the full example):
 *
 * ```ts
 * if (stage.is(0)) { Subrequest.fetch("/auth", "user=" + id); stage.next(); return; }
 * if (Subrequest.status() != 200) { Response.exit(403); return; }
 * ```
 *
 * Phases: server_rewrite, rewrite, access, content.
 */
export namespace Subrequest {
  /** Stage request header `name` for the next `fetch` (staged headers go with that one launch). */
  export function setHeader(name: string, value: string): void {
    const status = callSetter(Setter.SUBREQUEST_HEADER, name, value);
    check(status, "Subrequest.setHeader", name, HEADER_REFUSED);
  }

  /**
   * Launch a subrequest to `uri` (a path of this server, e.g. `"/backend"`) with
   * query string `args` (no `?`), an nginx method number (`Method.GET`, …) and
   * whether to keep the response body for `body()`. Then `return` from your
   * handler; the export is called again when the subrequest is done.
   * Aborts if nginx refuses (another subrequest active, bad uri).
   */
  export function fetch(uri: string, args: string = "", method: i32 = Method.GET, captureBody: bool = true): void {
    const u = utf8(uri);
    const a = utf8(args);
    const status = ngx_wasm_subreq(ptr(u), u.byteLength, ptr(a), a.byteLength, method, captureBody ? SubrequestOption.CAPTURE_BODY : 0);
    if (status == Status.ERROR) {
      fail(callName("Subrequest.fetch", uri), "nginx refused the subrequest (one at a time; the uri must be a path of this server)");
    }
    captured = captureBody;
    suspend();
  }

  /** Status code of the finished subrequest. */
  export function status(): i32 {
    return check(ngx_wasm_subreq_get_status(), "Subrequest.status", null, "no subrequest has finished");
  }

  /** Response header `name` of the finished subrequest, or `null` when absent. */
  export function header(name: string): string | null {
    return fetchNamedString(Getter.SUBREQUEST_HEADER, name, "Subrequest.header");
  }

  /**
   * The captured response body of the finished subrequest. Aborts when the
   * subrequest was launched with `captureBody = false` or none has finished.
   */
  export function body(): ArrayBuffer {
    if (!captured) fail("Subrequest.body()", "no captured body: launch with Subrequest.fetch(uri, args, method, true) first");
    const len = check(ngx_wasm_subreq_get_body_len(), "Subrequest.body", null, "no subrequest has finished");
    const out = new ArrayBuffer(len);
    if (len > 0) {
      const copied = check(ngx_wasm_subreq_get_body(ptr(out), len), "Subrequest.body");
      if (copied < len) return out.slice(0, copied);
    }
    return out;
  }

  /** The captured response body decoded as UTF-8 (same conditions as `body`). */
  export function bodyText(): string {
    return String.UTF8.decode(body());
  }
}

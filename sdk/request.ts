// The client request: headers, body, and the request line / connection facts
// read through nginx variables.
import { callSetter, fetchBytes, fetchNamedString, fetchString, Getter, Setter } from "./internal/buffer";
import { check, HEADER_REFUSED } from "./internal/errors";
import { parseQuery, QueryParam } from "./query";
import { Variables } from "./variables";

/** `$name`, or `""` when nginx has no value. */
function variableOrEmpty(name: string): string {
  const value = Variables.get(name);
  return value !== null ? value : "";
}

/**
 * The request being handled.
 *
 * Phases: header reads (`header`) and variable-based reads (`method`, `uri`,
 * `args`, `query`, …) work in server_rewrite, rewrite, access, content,
 * header_filter, body_filter, log and balancer. `setHeader`/`removeHeader`
 * and `body`/`bodyText` work in server_rewrite, rewrite, access and content.
 *
 * ```ts
 * const auth = Request.header("Authorization");   // null when absent
 * const page = Request.query("page");             // "2" for /list?page=2
 * ```
 */
/** req_get_body's ERROR. A body over the limit never gets here on this project's hosts (413 first). */
@lazy const BODY_TOO_LARGE = "the request body could not be read (a body larger than wasm_request_body_buffer_size is answered 413 before the handler runs; on a host that passes it, raise the directive)";

export namespace Request {
  /** Value of request header `name` (case-insensitive), or `null` when absent. */
  export function header(name: string): string | null {
    return fetchNamedString(Getter.REQUEST_HEADER, name, "Request.header");
  }

  /** Set (replace) request header `name`, e.g. before the request is proxied. */
  export function setHeader(name: string, value: string): void {
    const status = callSetter(Setter.REQUEST_HEADER, name, value);
    check(status, "Request.setHeader", name, HEADER_REFUSED);
  }

  /** Remove request header `name` (the ABI's "empty value removes it"). */
  export function removeHeader(name: string): void {
    setHeader(name, "");
  }

  /**
   * The request body as read by nginx before the handler ran (bounded by
   * `wasm_request_body_buffer_size`), or `null` when no body was read.
   */
  export function body(): ArrayBuffer | null {
    return fetchBytes(Getter.REQUEST_BODY, 0, 0, "Request.body", null, BODY_TOO_LARGE);
  }

  /** The request body decoded as UTF-8, or `null` when no body was read. */
  export function bodyText(): string | null {
    return fetchString(Getter.REQUEST_BODY, 0, 0, "Request.bodyText", null, BODY_TOO_LARGE);
  }

  /** The method, e.g. `"GET"` (`$request_method`). */
  export function method(): string {
    return variableOrEmpty("request_method");
  }

  /** The normalised path without the query string, e.g. `"/a/b"` (`$uri`; changes after internal redirects). */
  export function uri(): string {
    return variableOrEmpty("uri");
  }

  /** The original path and query string as sent, e.g. `"/a/b?x=1"` (`$request_uri`). */
  export function requestUri(): string {
    return variableOrEmpty("request_uri");
  }

  /** The raw query string without `?`, `""` when there is none (`$args`). */
  export function args(): string {
    return variableOrEmpty("args");
  }

  /** All query parameters, percent-decoded, in order (repeated names kept). */
  export function queryParams(): QueryParam[] {
    return parseQuery(args());
  }

  /**
   * The first query parameter called `name` (compared after decoding), decoded;
   * `""` for `?name` or `?name=`; `null` when absent.
   */
  export function query(name: string): string | null {
    const params = queryParams();
    for (let i = 0; i < params.length; i++) {
      if (params[i].name == name) return params[i].value;
    }
    return null;
  }

  /** The client address, e.g. `"127.0.0.1"` (`$remote_addr`). */
  export function remoteAddress(): string {
    return variableOrEmpty("remote_addr");
  }

  /** The host name from the request line, `Host` header or server name (`$host`). */
  export function host(): string {
    return variableOrEmpty("host");
  }

  /** `"http"` or `"https"` (`$scheme`). */
  export function scheme(): string {
    return variableOrEmpty("scheme");
  }
}

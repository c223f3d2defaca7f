// nginx variables ($uri, $remote_addr, variables declared with `set`, …).
import { ngx_wasm_var_get, ngx_wasm_var_set, Status } from "./raw";
import { callNamePair, fetchNamedString, utf8 } from "./internal/buffer";
import { callName, fail } from "./internal/errors";

/**
 * nginx variables, named without the `$`.
 *
 * - `get`: phases server_rewrite, rewrite, access, content, header_filter,
 *   body_filter, log, balancer.
 * - `set`: phases server_rewrite, rewrite, access, content, balancer.
 *
 * ```ts
 * const ip = Variables.get("remote_addr");
 * Variables.set("backend", "blue");   // needs `set $backend "";` in nginx.conf
 * ```
 */
export namespace Variables {
  /** The variable's value, or `null` when it is unknown or has no value. */
  export function get(name: string): string | null {
    return fetchNamedString(
      (a: i32, b: i32, p: i32, l: i32): i32 => ngx_wasm_var_get(a, b, p, l),
      name,
      "Variables.get",
    );
  }

  /**
   * Set a variable. Returns `false` when nginx does not know the variable
   * (declare it with `set $name "";`). Aborts when the variable exists but
   * cannot be changed (e.g. `$uri`): that is a programming error.
   */
  export function set(name: string, value: string): bool {
    const status = callNamePair(
      (a: i32, b: i32, c: i32, d: i32): i32 => ngx_wasm_var_set(a, b, c, d),
      name,
      utf8(value),
    );
    if (status == Status.ERROR) {
      fail(callName("Variables.set", name), "the variable cannot be changed (declare your own with `set $" + name + " \"\";`)");
    }
    return status == Status.OK;
  }
}

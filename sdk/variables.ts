// nginx variables ($uri, $remote_addr, variables declared with `set`, …).
import { Status } from "./raw";
import { callSetter, fetchNamedString, Getter, Setter } from "./internal/buffer";
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
 * Variables.set("backend", "blue");   // needs `set $backend "";` at server level in nginx.conf
 *                                     // (a location's own `set` runs after its rewrite_by_wasm)
 * ```
 */
export namespace Variables {
  /**
   * The variable's value: `null` when nginx does not know the variable or it
   * has no value in this request (`$arg_x` without an `x` argument); `""`
   * when it is set and empty (`?x=`, `set $v "";`).
   */
  export function get(name: string): string | null {
    return fetchNamedString(Getter.VARIABLE, name, "Variables.get");
  }

  /**
   * Set a variable. Returns `false` when nginx does not know the variable
   * (declare it with `set $name "";`). Aborts when the variable exists but
   * cannot be changed (e.g. `$uri`): that is a programming error.
   */
  export function set(name: string, value: string): bool {
    const status = callSetter(Setter.VARIABLE, name, value);
    if (status == Status.ERROR) {
      fail(callName("Variables.set", name), "the variable cannot be changed (declare your own with `set $" + name + " \"\";`)");
    }
    return status == Status.OK;
  }
}

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
 * Variables.set("backend", "blue");   // needs `set $backend "";` in nginx.conf
 * ```
 */
export namespace Variables {
  /** The variable's value, or `null` when it is unknown or has no value. */
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

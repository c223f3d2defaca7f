// A tiny JSON writer (no reflection in AssemblyScript): enough for API responses.

@lazy const HEX = "0123456789abcdef";

/** JSON helpers. */
export namespace Json {
  /** `s` as a JSON string literal, quotes included: `a"b` → `"a\"b"`; control characters escaped. */
  export function quote(s: string): string {
    let out = "\"";
    let from = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
      if (i > from) out += s.substring(from, i);
      from = i + 1;
      if (c == 0x22) out += "\\\"";
      else if (c == 0x5c) out += "\\\\";
      else if (c == 0x0a) out += "\\n";
      else if (c == 0x0d) out += "\\r";
      else if (c == 0x09) out += "\\t";
      else if (c == 0x08) out += "\\b";
      else if (c == 0x0c) out += "\\f";
      else out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    }
    if (from < n) out += s.substring(from);
    return out + "\"";
  }
}

/**
 * Builds a JSON object, member by member, in insertion order.
 *
 * ```ts
 * const o = new JsonObject().str("method", Request.method()).int("size", 3).bool("ok", true);
 * Response.json(o.toString());   // {"method":"GET","size":3,"ok":true}
 * ```
 */
export class JsonObject {
  private text: string = "";

  private key(name: string): void {
    if (this.text.length > 0) this.text += ",";
    this.text += Json.quote(name) + ":";
  }

  /** Add a string member (escaped). */
  str(name: string, value: string): JsonObject {
    this.key(name);
    this.text += Json.quote(value);
    return this;
  }

  /** Add a string member, or `null` when `value` is null. */
  strOrNull(name: string, value: string | null): JsonObject {
    if (value === null) return this.nul(name);
    return this.str(name, value);
  }

  /** Add an integer member. */
  int(name: string, value: i64): JsonObject {
    this.key(name);
    this.text += value.toString();
    return this;
  }

  /** Add a number member (non-finite numbers become `null`, as JSON.stringify does). */
  num(name: string, value: f64): JsonObject {
    this.key(name);
    this.text += isFinite(value) ? value.toString() : "null";
    return this;
  }

  /** Add a boolean member. */
  bool(name: string, value: bool): JsonObject {
    this.key(name);
    this.text += value ? "true" : "false";
    return this;
  }

  /** Add a `null` member. */
  nul(name: string): JsonObject {
    this.key(name);
    this.text += "null";
    return this;
  }

  /** Add a member whose value is already JSON (a nested `JsonObject`/`JsonArray`'s `toString()`). */
  raw(name: string, json: string): JsonObject {
    this.key(name);
    this.text += json;
    return this;
  }

  /** The object as JSON text. */
  toString(): string {
    return "{" + this.text + "}";
  }
}

/** Builds a JSON array, in insertion order. */
export class JsonArray {
  private text: string = "";

  private sep(): void {
    if (this.text.length > 0) this.text += ",";
  }

  /** Append a string (escaped). */
  str(value: string): JsonArray {
    this.sep();
    this.text += Json.quote(value);
    return this;
  }

  /** Append an integer. */
  int(value: i64): JsonArray {
    this.sep();
    this.text += value.toString();
    return this;
  }

  /** Append a boolean. */
  bool(value: bool): JsonArray {
    this.sep();
    this.text += value ? "true" : "false";
    return this;
  }

  /** Append a value that is already JSON. */
  raw(json: string): JsonArray {
    this.sep();
    this.text += json;
    return this;
  }

  /** The array as JSON text. */
  toString(): string {
    return "[" + this.text + "]";
  }
}

// Query strings (`a=1&b=x%20y`): parsing and percent-decoding, byte-exact UTF-8.

/** One `name=value` pair of a query string, both percent-decoded. */
export class QueryParam {
  constructor(
    /** Decoded name. */
    public name: string,
    /** Decoded value (`""` for `name` or `name=`). */
    public value: string,
  ) {}
}

@inline
function hexValue(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30; // 0-9
  if (c >= 0x41 && c <= 0x46) return <i32>c - 0x37; // A-F
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x57; // a-f
  return -1;
}

/**
 * Percent-decode `s` (`%41` → `A`; the decoded bytes are read as UTF-8) and,
 * when `plusAsSpace` (the default, as in query strings), `+` → space.
 * Malformed escapes such as `%zz` or a trailing `%` are kept as they are.
 */
export function percentDecode(s: string, plusAsSpace: bool = true): string {
  const src = String.UTF8.encode(s);
  const n = src.byteLength;
  const from = changetype<usize>(src);
  const out = new ArrayBuffer(n); // decoding never grows
  const to = changetype<usize>(out);
  let j = 0;
  for (let i = 0; i < n; i++) {
    let c = load<u8>(from + i);
    if (c == 0x25 /* % */ && i + 2 < n) {
      const hi = hexValue(load<u8>(from + i + 1));
      const lo = hexValue(load<u8>(from + i + 2));
      if (hi >= 0 && lo >= 0) {
        c = <u8>((hi << 4) | lo);
        i += 2;
      }
    } else if (c == 0x2b /* + */ && plusAsSpace) {
      c = 0x20;
    }
    store<u8>(to + j++, c);
  }
  return String.UTF8.decodeUnsafe(to, j);
}

@lazy const HEX_DIGITS = "0123456789ABCDEF";

/**
 * Percent-encode `s` for use as a query-string name or value: every UTF-8 byte
 * except the unreserved characters `A-Z a-z 0-9 - _ . ~` becomes `%XX`.
 */
export function percentEncode(s: string): string {
  const src = String.UTF8.encode(s);
  const from = changetype<usize>(src);
  let out = "";
  for (let i = 0; i < src.byteLength; i++) {
    const c = load<u8>(from + i);
    const unreserved =
      (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
      c == 0x2d || c == 0x5f || c == 0x2e || c == 0x7e;
    if (unreserved) out += String.fromCharCode(c);
    else out += "%" + HEX_DIGITS.charAt(c >> 4) + HEX_DIGITS.charAt(c & 15);
  }
  return out;
}

/**
 * Split a query string (without the `?`) into decoded parameters, in order.
 * Empty segments (`a=1&&b=2`) are skipped; repeated names are all kept.
 */
export function parseQuery(args: string): QueryParam[] {
  const params = new Array<QueryParam>();
  let start = 0;
  const n = args.length;
  while (start <= n) {
    let end = args.indexOf("&", start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = args.indexOf("=", start);
      if (eq >= 0 && eq < end) {
        params.push(new QueryParam(percentDecode(args.substring(start, eq)), percentDecode(args.substring(eq + 1, end))));
      } else {
        params.push(new QueryParam(percentDecode(args.substring(start, end)), ""));
      }
    }
    start = end + 1;
  }
  return params;
}

// Utf8 (sdk/bytes.ts) on both hosts: one line per case, the same cases as
// test/sdk/utf8.test.ts, which computes what each line must be with
// JavaScript's own string functions.
import { Response, Utf8, handle } from "../../../sdk";

const CASES: string[] = [
  "",
  "a",
  "hello, world",
  "The Quick Brown Fox Jumps Over The Lazy Dog 0123456789 {|}~`@[\\]^_",
  "straße",
  "ÿ and é, ñ in ascii",
  "Ωmega ωmega ǅ",
  "emoji 😀 between ascii words",
  "0123456é89abcdef",
  "01234567é9abcdef",
  "long text long text long text long text long text long text ünïcödé long text long text long text",
];

function bytes(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function text(b: ArrayBuffer): string {
  return String.UTF8.decode(b);
}

export function on_content(): i32 {
  return handle((): void => {
    let out = "";
    for (let i = 0; i < CASES.length; i++) {
      const c = CASES[i];
      out += "upper " + text(Utf8.toUpperCase(bytes(c))) + "\n";
      out += "lower " + text(Utf8.toLowerCase(bytes(c))) + "\n";
      out += "ascii " + (Utf8.isAscii(bytes(c)) ? "yes" : "no") + "\n";
    }
    const hay = bytes("one two three two one");
    out += "indexOf " + Utf8.indexOf(hay, bytes("two")).toString() + " " + Utf8.indexOf(hay, bytes("two"), 5).toString() + " " +
      Utf8.indexOf(hay, bytes("four")).toString() + " " + Utf8.indexOf(hay, bytes("")).toString() + "\n";
    out += "replaceAll " + text(Utf8.replaceAll(hay, bytes("two"), bytes("2"))) + "|" +
      text(Utf8.replaceAll(hay, bytes("o"), bytes("OO"))) + "|" + text(Utf8.replaceAll(hay, bytes("x"), bytes("y"))) + "\n";
    // in place: an all-ASCII buffer comes back as itself
    const ascii = bytes("abc");
    out += "same " + (changetype<usize>(Utf8.toUpperCase(ascii)) == changetype<usize>(ascii) ? "yes" : "no") + "\n";
    Response.say(out);
  });
}

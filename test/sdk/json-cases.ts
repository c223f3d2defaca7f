// The cases of test/guests/sdk-json, shared by the in-process host
// (test/sdk/json.test.ts) and nginx (test/sdk/json-nginx.test.ts): each is a
// request (op, body) and the exact answer. Answers to well-formed documents
// come from JavaScript's own JSON (JSON.stringify(JSON.parse(text))) wherever
// JavaScript computes the same thing; the rest (exact i64, error messages,
// typed mapping) are the SDK's documented behaviour, written out.

export interface JsonCase {
  name: string;
  /** query string */
  args: string;
  body: string | Buffer;
  status: number;
  /** the whole response body */
  expect: string;
}

/** What JavaScript answers for a well-formed document. */
export function jsRoundTrip(text: string): string {
  return JSON.stringify(JSON.parse(text));
}

// well-formed documents whose round trip JavaScript computes exactly as the SDK must
export const WELL_FORMED: Record<string, string> = {
  "empty object": "{}",
  "empty array": " [ ] ",
  "nested": '{"a":{"b":[1,{"c":[true,false,null]}],"d":""},"e":[[],{}]}',
  "key order kept, duplicates: last wins as in JavaScript": '{"z":1,"a":2,"m":3,"a":4}',
  "whitespace everywhere": ' \t\r\n{ "a" : [ 1 , 2 ] , "b" :\n"x" } \n',
  "ints": "[0,1,-1,42,-42,2147483647,-2147483648,4294967296,9007199254740991,-9007199254740991]",
  "negative zero": "[-0,-0.0,0e5,-0e-5]",
  "fractions": "[0.5,-0.25,3.14159,0.1,0.2,0.30000000000000004,1.7976931348623157e308,5e-324,2.2250738585072014e-308]",
  "exponents": "[1e3,1E3,1e+3,-1e-3,2.5e10,1e21,1e-7,123e-20,1e22,1e23,9.999999999999999e22]",
  "huge and tiny": "[1e400,-1e400,1e-400,123456789012345678901234567890]",
  "many digits (correct rounding)": "[0.1000000000000000055511151231257827,3.141592653589793238462643383279,9007199254740993.0,2.4703282292062327e-324,2.4703282292062328e-324,1.00000000000000011102230246251565404236316680908203125,1.00000000000000011102230246251565404236316680908203126,0.30000000000000004,1e23,8.98846567431158e307,1.7976931348623158e308,1.7976931348623159e308,4.9406564584124654e-324,2.2250738585072011e-308,1" + "0".repeat(400) + "e-400,0." + "0".repeat(300) + "1e300]",
  "strings": '["", "plain", "quote\\" backslash\\\\ slash\\/ \\b\\f\\n\\r\\t", "\\u0000\\u001f\\u007f"]',
  "unicode escapes": '["\\u00e9\\u4e2D", "\\uD83D\\uDE00", "\\ud83d\\ude00 pair, lower case", "\\u0041\\u0062"]',
  "raw UTF-8": '["é", "中文", "😀", "mixed é\\n😀"]',
  "long string": JSON.stringify("x".repeat(5000) + "é".repeat(300)),
  "top-level scalars are documents": '"just a string"',
  "top-level number": "-12.5e-1",
  "top-level literal": " true ",
  "a large object (hash index), repeated keys": JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]))).replace("}", ',"k3":"dup","k39":"last","k0":{"k0":0}}'),
  "an array of records with one shape, then another": JSON.stringify([...Array.from({ length: 5 }, (_, i) => ({ id: i, name: `n${i}` })), { id: 9 }, { name: "x", id: 1 }, { id: 2, name: "y" }]),
  "deep but within the limit": "[".repeat(512) + "]".repeat(512),
};

// exact i64: beyond 2^53 JavaScript rounds; the SDK keeps the integer the text wrote
export const EXACT_I64: Record<string, [string, string]> = {
  "i64 max": ["9223372036854775807", "9223372036854775807"],
  "i64 min": ["-9223372036854775808", "-9223372036854775808"],
  "2^53 + 1": ["[9007199254740993]", "[9007199254740993]"],
  // one past the i64 range: an f64, written as JavaScript writes it
  "i64 max + 1 is an f64": ["9223372036854775808", "9223372036854776000"],
  "i64 min - 1 is an f64": ["-9223372036854775809", "-9223372036854776000"],
};

// malformed documents: the SDK's message and byte offset (0-based)
export const MALFORMED: Record<string, [string | Buffer, string]> = {
  "empty body": ["", "JSON: expected a value at byte 0 (end of input)"],
  "only whitespace": ["  \n", "JSON: expected a value at byte 3 (end of input)"],
  "missing comma in object": ['{"a":1 "b":2}', "JSON: expected ',' or '}' at byte 7"],
  "missing comma in array": ["[1 2]", "JSON: expected ',' or ']' at byte 3"],
  "unclosed array": ["[1,2", "JSON: expected ',' or ']' at byte 4 (end of input)"],
  "unclosed object": ['{"a":1', "JSON: expected ',' or '}' at byte 6 (end of input)"],
  "missing colon": ['{"a" 1}', "JSON: expected ':' at byte 5"],
  "unquoted key": ["{a:1}", "JSON: expected a string key or '}' at byte 1"],
  "trailing comma in object": ['{"a":1,}', "JSON: expected a string key at byte 7"],
  "trailing comma in array": ["[1,]", "JSON: expected a value at byte 3"],
  "leading comma": ["[,1]", "JSON: expected a value at byte 1"],
  "truncated literal": ["tru", "JSON: expected 'true' at byte 3 (end of input)"],
  "misspelt literal": ["[nul]", "JSON: expected 'null' at byte 4"],
  "NaN is not JSON": ["NaN", "JSON: expected a value at byte 0"],
  "single quotes": ["['a']", "JSON: expected a value at byte 1"],
  "leading zero": ["01", "JSON: unexpected text after the JSON value at byte 1"],
  "plus sign": ["+1", "JSON: expected a value at byte 0"],
  "lone minus": ["-", "JSON: expected a digit at byte 1 (end of input)"],
  "minus letter": ["-x", "JSON: expected a digit at byte 1"],
  "dot without digits": ["1.", "JSON: expected a digit after '.' at byte 2 (end of input)"],
  "leading dot": [".5", "JSON: expected a value at byte 0"],
  "exponent without digits": ["1e+", "JSON: expected a digit in the exponent at byte 3 (end of input)"],
  "two documents": ["[1] [2]", "JSON: unexpected text after the JSON value at byte 4"],
  "unclosed string": ['"abc', "JSON: expected '\"' to close the string at byte 4 (end of input)"],
  "invalid escape": ['"a\\x"', "JSON: invalid escape (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) at byte 2"],
  "short \\u escape": ['"\\u12"', "JSON: invalid \\u escape (expected 4 hex digits) at byte 1"],
  "non-hex \\u escape": ['"\\uZZZZ"', "JSON: invalid \\u escape (expected 4 hex digits) at byte 1"],
  "lone high surrogate": ['"\\uD83D"', "JSON: invalid \\u escape: a high surrogate not followed by a \\u low surrogate (\\uDC00-\\uDFFF) at byte 1"],
  "high surrogate then a letter": ['"\\uD83Dx"', "JSON: invalid \\u escape: a high surrogate not followed by a \\u low surrogate (\\uDC00-\\uDFFF) at byte 1"],
  "two high surrogates": ['"\\uD83D\\uD83D"', "JSON: invalid \\u escape: a high surrogate not followed by a \\u low surrogate (\\uDC00-\\uDFFF) at byte 1"],
  "lone low surrogate": ['["ok", "\\uDE00"]', "JSON: invalid \\u escape: a low surrogate without a high surrogate before it at byte 8"],
  "raw control character": ['"a\tb"', "JSON: control character U+0009 in a string (escape it) at byte 2"],
  "raw newline": ['["a\nb"]', "JSON: control character U+000A in a string (escape it) at byte 3"],
  "invalid UTF-8 byte": [Buffer.from([0x22, 0x61, 0xff, 0x22]), "JSON: invalid UTF-8 at byte 2"],
  "overlong UTF-8": [Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]), "JSON: invalid UTF-8 at byte 2"],
  "UTF-8 surrogate": [Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), "JSON: invalid UTF-8 at byte 1"],
  "truncated UTF-8": [Buffer.from([0x22, 0xe4, 0xb8, 0x22]), "JSON: invalid UTF-8 at byte 1"],
  "nesting one past the limit": ["[".repeat(513) + "]".repeat(513), "JSON: nesting deeper than 512 arrays and objects at byte 512"],
  "deep nesting, unclosed": ['{"a":'.repeat(600), "JSON: nesting deeper than 512 arrays and objects at byte 2560"],
  "bad byte after deep arrays": ["[".repeat(100) + "x", "JSON: expected a value at byte 100"],
};

function roundTripCases(): JsonCase[] {
  const cases: JsonCase[] = [];
  for (const [name, text] of Object.entries(WELL_FORMED)) {
    for (const op of ["roundtrip", "roundtrip-text", "roundtrip-view", "roundtrip-gc"]) {
      cases.push({ name: `${op}: ${name}`, args: `op=${op}`, body: text, status: 200, expect: jsRoundTrip(text) });
    }
  }
  for (const [name, [text, out]] of Object.entries(EXACT_I64)) {
    cases.push({ name: `roundtrip: ${name}`, args: "op=roundtrip", body: text, status: 200, expect: out });
  }
  for (const [name, [body, error]] of Object.entries(MALFORMED)) {
    const offset = /at byte (\d+)/.exec(error)![1];
    cases.push({ name: `malformed: ${name}`, args: "op=roundtrip", body, status: 400, expect: `${error} (offset ${offset})\n` });
    cases.push({ name: `malformed, from a view: ${name}`, args: "op=roundtrip-view", body, status: 400, expect: `${error} (offset ${offset})\n` });
  }
  return cases;
}

/** JavaScript's view of the guest's `describe` lines (numbers within what JavaScript holds exactly). */
export function jsDescribe(value: unknown, path = "$", out: string[] = []): string[] {
  let line = `${path}=`;
  if (value === null) line += "null";
  else if (typeof value === "boolean") line += `bool ${value}`;
  else if (typeof value === "number") {
    const integer = Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63;
    const i32 = integer && value >= -(2 ** 31) && value < 2 ** 31;
    line += `number f64=${JSON.stringify(value)} sign=${Object.is(value, -0) || value < 0 ? "-" : "+"}`
      + ` integer=${integer ? "yes" : "no"} i64=${integer ? BigInt(value).toString() : "-7"} i32=${i32 ? String(value) : "-7"}`;
  } else if (typeof value === "string") line += `string ${JSON.stringify(value)} len=${value.length}`;
  else if (Array.isArray(value)) line += `array ${value.length}`;
  else line += `object ${Object.keys(value as object).length} keys=${Object.keys(value as object).join(",")}`;
  line += ` asBool=${typeof value === "boolean" ? value : true} asString=${JSON.stringify(typeof value === "string" ? value : "fb")}`;
  out.push(line);
  if (Array.isArray(value)) value.forEach((v, i) => jsDescribe(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) jsDescribe(v, `${path}.${k}`, out);
  return out;
}

const DESCRIBED = '{"a":{"b":2},"n":[1,-0,2.5,1e3,3000000000,-1e19,-2147483648,2147483648,"s\\u00e9\\uD83D\\uDE00",true,false,null,[],{}],"empty":""}';

function describeCases(): JsonCase[] {
  const lines = jsDescribe(JSON.parse(DESCRIBED));
  // the accessor chain the guest follows through absent members and wrong kinds: every fallback
  lines.push('chain=fallback 42 2 missing has(a)=yes keyAt(99)="" valueAt(99)=no');
  return [
    { name: "describe: kinds and accessors", args: "op=describe", body: DESCRIBED, status: 200, expect: lines.join("\n") + "\n" },
    {
      name: "describe: exact i64 beyond 2^53 and at the limits",
      args: "op=describe",
      body: "[9007199254740993,-9223372036854775808]",
      status: 200,
      // f64 shows JavaScript's nearest double; i64 the exact integer of the text
      expect: [
        '$=array 2 asBool=true asString="fb"',
        '$[0]=number f64=9007199254740992 sign=+ integer=yes i64=9007199254740993 i32=-7 asBool=true asString="fb"',
        '$[1]=number f64=-9223372036854776000 sign=- integer=yes i64=-9223372036854775808 i32=-7 asBool=true asString="fb"',
        'chain=fallback 42 1.5 missing has(a)=no keyAt(99)="" valueAt(99)=no',
      ].join("\n") + "\n",
    },
  ];
}

const USER = {
  id: 7, name: "Ann \"the\" Admin é😀", admin: true, score: 9.5, big: "BIG", tags: ["a", "b\n"],
  address: { city: "Oslo", zip: "0150", extra: [1, 2] }, nick: "annie", ignored: { deep: [1] },
};
const USER_TEXT = JSON.stringify(USER).replace('"BIG"', "9223372036854775807");

function typedCases(): JsonCase[] {
  const minimal = { id: 1, name: "Bo", tags: [], address: { city: "Rome", zip: null } };
  const typed = (name: string, body: string, status: number, expect: string): JsonCase => ({ name: `typed: ${name}`, args: "op=typed", body, status, expect });
  return [
    typed("every field", USER_TEXT, 200,
      JSON.stringify({ id: 7, name: USER.name, admin: true, score: 9.5, big: "BIG", tags: USER.tags, address: { city: "Oslo", zip: "0150" }, nick: "annie" })
        .replace('"BIG"', "9223372036854775807")),
    typed("optional members take their defaults", JSON.stringify(minimal), 200,
      JSON.stringify({ id: 1, name: "Bo", admin: false, score: -1, big: 0, tags: [], address: { city: "Rome", zip: null }, nick: "(none)" })),
    typed("optional members given null take their defaults", JSON.stringify({ ...minimal, admin: null, nick: null, score: null }), 200,
      JSON.stringify({ id: 1, name: "Bo", admin: false, score: -1, big: 0, tags: [], address: { city: "Rome", zip: null }, nick: "(none)" })),
    typed("2.0 is an integer", JSON.stringify(minimal).replace('"id":1', '"id":2.0'), 200,
      JSON.stringify({ id: 2, name: "Bo", admin: false, score: -1, big: 0, tags: [], address: { city: "Rome", zip: null }, nick: "(none)" })),
    typed("missing member", '{"id":1,"tags":[],"address":{"city":"x"}}', 400, "JSON: $.name: missing (expected a string) at byte 0\n"),
    typed("wrong type", '{"id":"1","name":"x","tags":[],"address":{"city":"x"}}', 400, "JSON: $.id: expected an integer (i32), got a string at byte 6\n"),
    typed("fraction for an integer", '{"id":1.5,"name":"x","tags":[],"address":{"city":"x"}}', 400, "JSON: $.id: expected an integer (i32), got the number 1.5 at byte 6\n"),
    typed("i32 out of range", '{"id":2147483648,"name":"x","tags":[],"address":{"city":"x"}}', 400, "JSON: $.id: expected an integer (i32), got the number 2147483648 at byte 6\n"),
    typed("nested member", '{"id":1,"name":"x","tags":[],"address":{"city":5}}', 400, "JSON: $.address.city: expected a string, got the number 5 at byte 47\n"),
    typed("nested object missing", '{"id":1,"name":"x","tags":[]}', 400, "JSON: $.address: missing (expected an object) at byte 0\n"),
    typed("array element", '{"id":1,"name":"x","tags":["a",null],"address":{"city":"x"}}', 400, "JSON: $.tags[1]: expected a string, got null at byte 31\n"),
    typed("the class's own check", '{"id":-1,"name":"x","tags":[],"address":{"city":"x"}}', 400, "JSON: $.id: must not be negative at byte 6\n"),
    typed("the first error is reported", '{"id":true,"name":false,"tags":[],"address":{"city":"x"}}', 400, "JSON: $.id: expected an integer (i32), got a boolean at byte 6\n"),
    typed("not an object", "[1]", 400, "JSON: $: expected an object, got an array at byte 0\n"),
    typed("malformed", '{"id":1,', 400, "JSON: expected a string key at byte 8 (end of input)\n"),
    {
      name: "typed-array: objects",
      args: "op=typed-array",
      body: '[{"id":1,"value":2.5},{"id":-9223372036854775808,"value":1e21,"x":0}]',
      status: 200,
      expect: '[{"id":1,"value":2.5},{"id":-9223372036854775808,"value":1e+21}]',
    },
    { name: "typed-array: an element that is not an object", args: "op=typed-array", body: '[{"id":1,"value":2},4]', status: 400, expect: "JSON: $[1]: expected an object, got the number 4 at byte 20\n" },
    { name: "typed-array: not an array", args: "op=typed-array", body: "{}", status: 400, expect: "JSON: $: expected an array, got an object at byte 0\n" },
  ];
}

/** What the guest's `build` op must write: the same tree built in JavaScript and stringified by JSON.stringify. */
/** The guest's `mutate` op, done by JavaScript on the same document. */
function mutateCase(): JsonCase {
  const doc = [{ a: 1, b: 2 }, { a: 3, b: 4 }, [1], Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]))];
  const text = JSON.stringify(doc);
  const v = JSON.parse(text);
  v[0].added = 1;
  v[1].a = "replaced";
  v[1].b = [0.5];
  v[2].push(null, "more");
  v[3].k19 = true;
  v[3].new = { x: -1 };
  v.push(`${v[3].k7},-1,false`);
  return { name: "mutate: set and push on parsed values (shared keys copied, large objects indexed)", args: "op=mutate", body: text, status: 200, expect: JSON.stringify(v) };
}

function buildCase(): JsonCase {
  const s = "quote\" backslash\\ nl\n tab\t ctl\u0001 del\u007f é 😀 lone\ud800!";
  const doc = {
    s, i: "I64MIN", f: 0.1, big: 1e21, small: 1.5e-7, whole: 123456789012345680000, nan: NaN, inf: -Infinity, negzero: -0,
    list: [true, null, [], {}], tail: false,
  };
  doc.s = "replaced, order kept";
  const tree = JSON.stringify(doc).replace('"I64MIN"', "-9223372036854775808");
  const writer = JSON.stringify({ 'k"ey': [0, -1, "I64MAX", 2.5, ""], v: doc.list, raw: { pre: "made" }, none: null }).replace('"I64MAX"', "9223372036854775807");
  return { name: "build: JsonValue and JsonWriter", args: "op=build", body: "", status: 200, expect: `${tree}\n${writer}\n${Buffer.byteLength(writer)}\n` };
}

function deepCases(): JsonCase[] {
  return [
    { name: "deep: 512 nested arrays parse", args: "op=deep&n=512", body: "", status: 200, expect: `ok ${512 * 2}\n` },
    { name: "deep: 513 nested arrays are an error", args: "op=deep&n=513", body: "", status: 200, expect: "JSON: nesting deeper than 512 arrays and objects at byte 512\n" },
    { name: "deep: 100000 nested arrays are an error, not a stack overflow", args: "op=deep&n=100000", body: "", status: 200, expect: "JSON: nesting deeper than 512 arrays and objects at byte 512\n" },
    { name: "deep: a built tree 20000 deep stringifies without recursion", args: "op=deep-build&n=20000", body: "", status: 200, expect: `length ${20000 * 2}\n` },
  ];
}

export const JSON_CASES: JsonCase[] = [...roundTripCases(), ...describeCases(), ...typedCases(), mutateCase(), buildCase(), ...deepCases()];

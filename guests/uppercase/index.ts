// uppercase — a body filter: uppercases text responses chunk by chunk
// ("héllo" → "HÉLLO"), correct even when a multi-byte UTF-8 character is split
// across two chunks: the incomplete tail of a chunk is held back in a global
// and prepended to the next one (the export is re-invoked per chunk on the same
// instance). Non-text responses pass through untouched.
// Shows: BodyChunk, Utf8 (case on the bytes), state across chunks, a header filter (on_header) that drops
// Content-Length because uppercasing may change the byte length ("ß" → "SS").
//
// nginx:  location /static/ {
//             header_filter_by_wasm uppercase.wasm on_header;
//             body_filter_by_wasm   uppercase.wasm on_body;
//         }
import { BodyChunk, Response, Utf8 } from "ngxwasm";

/** Bytes of an incomplete UTF-8 character carried over from the previous chunk. */
let carry: ArrayBuffer = new ArrayBuffer(0);

function isText(): bool {
  const type = Response.header("Content-Type");
  return type !== null && (type.startsWith("text/") || type.startsWith("application/json"));
}

/** Length of the longest prefix of `bytes[0..len)` that does not end inside a UTF-8 character. */
function completePrefix(bytes: usize, len: i32): i32 {
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= 4 && back <= len; back++) {
    const b = load<u8>(bytes + len - back);
    if ((b & 0xc0) == 0x80) continue; // continuation byte: keep looking
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}

export function on_header(): i32 {
  if (isText()) Response.removeHeader("Content-Length");
  return 0;
}

export function on_body(): i32 {
  if (!isText()) return 0;
  const chunk = BodyChunk.read();
  // input = carry + chunk (the chunk itself when nothing is carried)
  let input = chunk;
  if (carry.byteLength > 0) {
    input = new ArrayBuffer(carry.byteLength + chunk.byteLength);
    memory.copy(changetype<usize>(input), changetype<usize>(carry), carry.byteLength);
    memory.copy(changetype<usize>(input) + carry.byteLength, changetype<usize>(chunk), chunk.byteLength);
  }
  const total = input.byteLength;
  const usable = BodyChunk.isLast() ? total : completePrefix(changetype<usize>(input), total);
  carry = input.slice(usable);
  // Utf8 works on the bytes: ASCII in place, eight at a time, the rest by Unicode's rules
  BodyChunk.replace(Utf8.toUpperCase(usable == total ? input : input.slice(0, usable)));
  return 0;
}

// uppercase — a body filter: uppercases text responses chunk by chunk
// ("héllo" → "HÉLLO"), correct even when a multi-byte UTF-8 character is split
// across two chunks: the incomplete tail of a chunk is held back in a global
// and prepended to the next one (the export is re-invoked per chunk on the same
// instance). Non-text responses pass through untouched.
// Shows: BodyChunk, state across chunks, a header filter (on_header) that drops
// Content-Length because uppercasing may change the byte length ("ß" → "SS").
//
// nginx:  location /static/ {
//             header_filter_by_wasm uppercase.wasm on_header;
//             body_filter_by_wasm   uppercase.wasm on_body;
//         }
import { BodyChunk, Response } from "ngxwasm";

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
  // input = carry + chunk
  const total = carry.byteLength + chunk.byteLength;
  const input = new ArrayBuffer(total);
  memory.copy(changetype<usize>(input), changetype<usize>(carry), carry.byteLength);
  memory.copy(changetype<usize>(input) + carry.byteLength, changetype<usize>(chunk), chunk.byteLength);

  const usable = BodyChunk.isLast() ? total : completePrefix(changetype<usize>(input), total);
  carry = input.slice(usable);
  const text = String.UTF8.decodeUnsafe(changetype<usize>(input), usable);
  BodyChunk.replace(text.toUpperCase());
  return 0;
}

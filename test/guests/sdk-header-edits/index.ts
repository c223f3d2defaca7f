// SDK test guest: request header edits given in the query, applied in order —
// `?del=X-Del` removes a header, `?set=Name:value` sets (replaces) one — so a
// test can compare what nginx sees after the edits with what it sees when the
// client sends the edited headers itself.
import { Request } from "../../../sdk";

export function on_rewrite(): i32 {
  const params = Request.queryParams();
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p.name == "del") {
      Request.removeHeader(p.value);
    } else if (p.name == "set") {
      const colon = p.value.indexOf(":");
      Request.setHeader(p.value.substring(0, colon), p.value.substring(colon + 1));
    }
  }
  return 0;
}

// The ngxwasm AssemblyScript SDK: `import { Request, Response, handle, … } from "ngxwasm"` (../index.ts).
// Reference: sdk/README.md. Raw ABI bindings and constants live in ./raw.
export { ABI_VERSION, LogLevel, Method, Status, SubrequestOption, Limit } from "./raw";
export { handle } from "./handler";
export { log } from "./log";
export { Request } from "./request";
export { Response } from "./response";
export { Variables } from "./variables";
export { Time } from "./time";
export { SharedDict } from "./shared-dict";
export { Counter, Gauge } from "./metrics";
export { Stage, yieldNow } from "./flow";
export { Subrequest } from "./subrequest";
export { BodyChunk } from "./body-filter";
export { Balancer } from "./balancer";
export { Ssl, SslAlert } from "./ssl";
export { Json, JsonObject, JsonArray, JsonResult, JsonReader } from "./json";
export { JsonValue, JsonKind } from "./json-value";
export { JsonWriter } from "./json-writer";
export { Utf8 } from "./bytes";
export { QueryParam, parseQuery, percentDecode, percentEncode } from "./query";

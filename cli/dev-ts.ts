// `ngxwasm dev` through the in-process host (host/): a Node http server
// that runs each request through the guests' phase handlers in nginx's
// order — server_rewrite, rewrite, access, content (or the --origin, or 404),
// header_filter, body_filter, log — with Host.run, one Host for the whole
// session so the shared dict lives across rebuilds, as nginx's
// zone lives across reloads. Subrequests are served by the same routing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { Method, type Phase } from "../host-abi/tables.js";
import { Host, type Guest, type RunOptions, type RunResult, type SubrequestCall } from "../host/index.js";
import { byLocation, DevServeError, guestLogLine, isServerLevel, serverUrl, type DevGuest, type DevServer, type DevServerOptions } from "./dev-server.js";

/** A request as it goes through the phases (the guests may change headers, args and variables). */
interface DevRequest {
  method: string;
  path: string;
  args: string;
  headers: Record<string, string> | [string, string][];
  body?: Uint8Array;
  remoteAddr: string;
  variables: Record<string, string>;
}

interface DevResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** A body filter failed after part of the body: send what there is, then close the connection (as nginx). */
  truncated?: boolean;
}

/** Headers that describe one connection or one encoding of the body: never copied between hops. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "upgrade", "te", "trailer"]);
const METHOD_NAMES = new Map<number, string>(Object.entries(Method).map(([name, n]) => [n, name === "DEFAULT" ? "GET" : name]));
/** Subrequests of subrequests: nginx stops at 50 levels (NGX_HTTP_MAX_SUBREQUESTS counts more, this bounds loops). */
const MAX_SUBREQUEST_DEPTH = 50;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export class TsDevServer implements DevServer {
  readonly mode = "ts";
  private readonly wasmHost: Host;
  private loaded = new Map<string, { guest: DevGuest; wasm: Guest }>();
  private server: Server | undefined;

  constructor(private readonly options: DevServerOptions) {
    const m = options.metrics;
    this.wasmHost = new Host(m ? { metrics: { counters: m.counters, gauges: m.gauges } } : {});
  }

  get description(): string {
    return `the in-process host (host/, Node ${process.version}) on ${serverUrl(this.options.host, this.options.port)}`;
  }

  async serve(guests: readonly DevGuest[]): Promise<void> {
    const next = new Map(this.loaded);
    for (const guest of guests) {
      try {
        // Bytes, not the path: the file is rewritten by the next build while this one serves.
        next.set(guest.name, { guest, wasm: await this.wasmHost.load(new Uint8Array(readFileSync(guest.wasmPath)), guest.name) });
      } catch (e) {
        throw new DevServeError(`${guest.wasmPath}: the in-process host refused the build: ${(e as Error).message}`);
      }
    }
    this.loaded = next;
    if (!this.server) await this.listen();
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => void this.respond(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", (e) => reject(new DevServeError(`cannot listen on ${serverUrl(this.options.host, this.options.port)}: ${e.message} — pick another --port or --host`)));
      server.listen(this.options.port, this.options.host, () => resolve());
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const [path = "/", args = ""] = (req.url ?? "/").split(/\?(.*)/s, 2);
      // Pairs, so a repeated header stays repeated.
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const hasBody = chunks.length > 0 || req.headers["content-length"] !== undefined;
      const request: DevRequest = {
        method: req.method ?? "GET",
        path,
        args,
        headers,
        body: hasBody ? new Uint8Array(Buffer.concat(chunks)) : undefined,
        remoteAddr: req.socket.remoteAddress ?? "127.0.0.1",
        variables: {},
      };
      const response = await this.handle(request, 0);
      const outHeaders = Object.fromEntries(Object.entries(response.headers).filter(([k]) => !HOP_HEADERS.has(k)));
      if (response.truncated) {
        res.writeHead(response.status, outHeaders);
        res.write(response.body);
        res.destroy();
        return;
      }
      res.writeHead(response.status, { ...outHeaders, "content-length": String(response.body.length) });
      res.end(response.body);
    } catch (e) {
      this.options.err(`[error] ngxwasm dev: ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("502 Bad Gateway (ngxwasm dev)\n");
    }
  }

  /** What `wasm_metrics;` answers: the declared series as Prometheus text, to GET and HEAD. */
  private metricsResponse(method: string): DevResponse {
    if (method !== "GET" && method !== "HEAD") {
      return { status: 405, headers: { "content-type": "text/plain" }, body: text("405 Not Allowed\n") };
    }
    return { status: 200, headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" }, body: text(this.wasmHost.metrics.prometheus()) };
  }

  /** One request (or subrequest) through the phases of the guest whose location matches. */
  private async handle(request: DevRequest, depth: number): Promise<DevResponse> {
    const loaded = [...this.loaded.values()].map((l) => l.guest);
    const serverGuests = loaded.filter(isServerLevel);
    // nginx's `location = /metrics { wasm_metrics; }`: an exact location, before any prefix
    const metricsHere = this.options.metrics?.location === request.path;
    const guest = metricsHere ? undefined : byLocation(loaded.filter((g) => !isServerLevel(g))).find((g) => request.path.startsWith(g.location));
    const handlers: { guest: DevGuest; phase: Phase; exportName: string }[] = [];
    for (const g of [...serverGuests, ...(guest ? [guest] : [])]) {
      for (const h of g.handlers) handlers.push({ guest: g, phase: h.phase.name, exportName: h.exportName });
    }
    // As nginx: a subrequest skips the access phase, and only the main request is logged.
    const inPhase = (phase: Phase) => (depth > 0 && (phase === "access" || phase === "log") ? [] : handlers.filter((h) => h.phase === phase));

    let response: DevResponse | undefined;
    for (const phase of ["server_rewrite", "rewrite", "access"] as const) {
      for (const h of inPhase(phase)) {
        if (response) break;
        const r = await this.run(h.guest, { phase, export: h.exportName, request: this.requestOptions(request) }, depth);
        if (!r.ok) response = failure();
        else if (!r.fellThrough) response = { status: r.status, headers: r.headers, body: r.bodyBytes };
        else {
          request.headers = r.requestHeaders;
          request.args = r.request.args;
          request.variables = r.variables;
        }
      }
    }
    if (!response) {
      const content = inPhase("content")[0];
      if (metricsHere) {
        response = this.metricsResponse(request.method);
      } else if (content) {
        const r = await this.run(content.guest, { phase: "content", export: content.exportName, request: this.requestOptions(request) }, depth);
        response = r.ok ? { status: r.status, headers: r.headers, body: r.bodyBytes } : failure();
      } else if (this.options.origin) {
        response = await this.fromOrigin(request);
      } else {
        response = { status: 404, headers: { "content-type": "text/plain" }, body: text(`404 Not Found: no guest serves ${request.path} and there is no --origin\n`) };
      }
    }
    const req = this.requestOptions(request);
    for (const h of inPhase("header_filter")) {
      const r = await this.run(h.guest, { phase: "header_filter", export: h.exportName, request: req, response: { status: response.status, headers: response.headers } }, depth);
      response = r.ok ? { ...response, status: r.status, headers: r.headers } : failure();
    }
    for (const h of inPhase("body_filter")) {
      const r = await this.run(
        h.guest,
        { phase: "body_filter", export: h.exportName, request: req, response: { status: response.status, headers: response.headers, chunks: [response.body] } },
        depth,
      );
      response = { ...response, body: r.bodyBytes, truncated: response.truncated || !r.ok };
    }
    for (const h of inPhase("log")) {
      await this.run(h.guest, { phase: "log", export: h.exportName, request: req, response: { status: response.status, headers: response.headers, chunks: [response.body] } }, depth);
    }
    return response;
  }

  private requestOptions(request: DevRequest): NonNullable<RunOptions["request"]> {
    return {
      method: request.method,
      uri: request.path,
      args: request.args,
      headers: request.headers,
      body: request.body,
      remoteAddr: request.remoteAddr,
      variables: request.variables,
    };
  }

  /** Host.run, with the guest's log lines and failure printed, and subrequests routed like requests. */
  private async run(guest: DevGuest, options: RunOptions, depth: number): Promise<RunResult> {
    const wasm = this.loaded.get(guest.name)?.wasm;
    if (!wasm) throw new Error(`guest ${guest.name} is not loaded`);
    const r = await this.wasmHost.run(wasm, { ...options, subrequest: (call) => this.subrequest(call, options.request?.headers ?? [], depth) });
    for (const entry of r.logs) {
      const line = entry.source === "guest" ? guestLogLine(entry.levelName, entry.message) : `[${entry.levelName}] ${entry.message}`;
      this.options.out(line);
    }
    if (r.error) this.options.err(`[error] ${r.error}`);
    return r;
  }

  /** A subrequest has the parent's request headers (as nginx copies them), with those the guest set. */
  private async subrequest(
    call: SubrequestCall,
    parentHeaders: Record<string, string> | [string, string][],
    depth: number,
  ): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }> {
    if (depth >= MAX_SUBREQUEST_DEPTH) throw new Error(`subrequest ${call.uri}: more than ${MAX_SUBREQUEST_DEPTH} nested subrequests`);
    const inherited = (Array.isArray(parentHeaders) ? parentHeaders : Object.entries(parentHeaders)).filter(([k]) => !Object.hasOwn(call.headers, k.toLowerCase()));
    const headers: [string, string][] = [...inherited, ...Object.entries(call.headers)];
    const r = await this.handle(
      { method: METHOD_NAMES.get(call.method) ?? "GET", path: call.uri, args: call.args, headers, remoteAddr: "127.0.0.1", variables: {} },
      depth + 1,
    );
    return { status: r.status, headers: r.headers, body: r.body };
  }

  /** Pass the request through to --origin, as nginx's proxy_pass without a URI part. */
  private async fromOrigin(request: DevRequest): Promise<DevResponse> {
    const url = `${this.options.origin}${request.path}${request.args ? `?${request.args}` : ""}`;
    // Not the client's Host (the origin's is its own) nor its Accept-Encoding (body filters work on plain bytes).
    const pairs = Array.isArray(request.headers) ? request.headers : Object.entries(request.headers);
    const headers = pairs.filter(([k]) => !HOP_HEADERS.has(k.toLowerCase()) && !["host", "accept-encoding"].includes(k.toLowerCase()));
    const body = request.body && request.method !== "GET" && request.method !== "HEAD" ? request.body : undefined;
    let res: Response;
    try {
      res = await fetch(url, { method: request.method, headers: [...headers, ["accept-encoding", "identity"]], body, redirect: "manual" });
    } catch (e) {
      this.options.err(`[error] ngxwasm dev: --origin ${this.options.origin}: ${request.method} ${url} failed: ${(e as Error).cause ?? (e as Error).message} — is the origin running?`);
      return { status: 502, headers: { "content-type": "text/plain" }, body: text("502 Bad Gateway: the --origin did not answer\n") };
    }
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => void (out[name] = value));
    return { status: res.status, headers: out, body: new Uint8Array(await res.arrayBuffer()) };
  }
}

/** A handler failed before the response went out: nginx answers with its 500 page. */
function failure(): DevResponse {
  return { status: 500, headers: { "content-type": "text/plain" }, body: text("500 Internal Server Error (the guest failed: see the terminal)\n") };
}

// TLS test helpers: throwaway certificates from the openssl command and one
// handshake with Node's TLS client (the certificate's CN, or the alert).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type ConnectionOptions, type PeerCertificate } from "node:tls";

export interface Pair {
  cert: string;
  key: string;
}

/** A throwaway self-signed EC certificate for `cn` (and its key), in PEM. */
export function selfSigned(dir: string, cn: string): Pair {
  const cert = join(dir, `${cn}.crt`);
  const key = join(dir, `${cn}.key`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${cn}`, "-keyout", key, "-out", cert], { stdio: "pipe" });
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

export interface Handshake {
  /** the certificate's CN, when the handshake completed */
  cn?: string;
  /** the TLS alert the client received, when it failed with one */
  alert?: number;
  error?: string;
  /** the protocol ("TLSv1.3") and whether the session was resumed, when it completed */
  protocol?: string;
  reused?: boolean;
}

/**
 * A full handshake that keeps its session (a TLS 1.3 ticket arrives after the
 * handshake; a TLS 1.2 session is there at once), then a second handshake
 * offering it: both results.
 */
export async function resumption(port: number, servername: string, maxVersion: "TLSv1.2" | "TLSv1.3"): Promise<[Handshake, Handshake]> {
  const session = await new Promise<Buffer>((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false, maxVersion });
    s.setTimeout(10_000, () => s.destroy(new Error("timeout")));
    s.once("session", (sess: Buffer) => {
      resolve(sess);
      s.end();
    });
    s.once("error", reject);
  });
  const first = await handshake(port, servername, { maxVersion });
  const second = await handshake(port, servername, { maxVersion, session });
  return [first, second];
}

/** One TLS handshake to 127.0.0.1:port with SNI `servername` (none when undefined). */
export function handshake(port: number, servername?: string, options: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, servername: servername ?? "", rejectUnauthorized: false, ...options });
    s.setTimeout(10_000, () => s.destroy(new Error("timeout")));
    s.once("secureConnect", () => {
      const cert: PeerCertificate = s.getPeerCertificate();
      resolve({ cn: cert.subject?.CN as string | undefined, protocol: s.getProtocol() ?? undefined, reused: s.isSessionReused() });
      s.end();
    });
    s.once("error", (e: Error) => {
      const m = /SSL alert number (\d+)/.exec(e.message);
      resolve({ alert: m ? Number(m[1]) : undefined, error: e.message });
    });
  });
}


// TLS handshake hooks (`ssl_client_hello_by_wasm`, `ssl_certificate_by_wasm`).
import { ngx_wasm_ssl_reject_handshake, ngx_wasm_ssl_set_certificate, Status } from "./raw";
import { fetchString, Getter, ptr, utf8 } from "./internal/buffer";

/** TLS alert numbers for `Ssl.rejectHandshake` (RFC 8446 §6). */
export namespace SslAlert {
  /** 40: generic refusal (the default of `rejectHandshake`). */
  export const HANDSHAKE_FAILURE: i32 = 40;
  /** 49: the client is not allowed to connect. */
  export const ACCESS_DENIED: i32 = 49;
  /** 70: the client's TLS version is not accepted. */
  export const PROTOCOL_VERSION: i32 = 70;
  /** 80: a server-side failure unrelated to the client. */
  export const INTERNAL_ERROR: i32 = 80;
  /** 112: no certificate for the requested server name (SNI). */
  export const UNRECOGNIZED_NAME: i32 = 112;
}

/**
 * The TLS handshake of the connection.
 *
 * Phases: `serverName` and `rejectHandshake`: ssl_client_hello,
 * ssl_certificate; `setCertificate`: ssl_certificate. No yield there.
 *
 * ```ts
 * export function on_client_hello(): i32 {
 *   const sni = Ssl.serverName();
 *   if (sni === null || !sni.endsWith(".example.com")) Ssl.rejectHandshake(SslAlert.UNRECOGNIZED_NAME);
 *   return 0;
 * }
 * ```
 */
export namespace Ssl {
  /** The server name (SNI) the client asked for, or `null` when it sent none. */
  export function serverName(): string | null {
    return fetchString(Getter.SSL_SERVER_NAME, 0, 0, "Ssl.serverName");
  }

  /**
   * Fail the handshake with TLS alert `alert` (see `SslAlert`). In
   * ssl_certificate the client gets internal_error (80) whatever `alert`
   * says (OpenSSL's certificate callback can only fail with that one).
   */
  export function rejectHandshake(alert: i32 = SslAlert.HANDSHAKE_FAILURE): void {
    ngx_wasm_ssl_reject_handshake(alert);
  }

  /**
   * Serve this PEM certificate chain and PEM private key for the handshake.
   * Returns `false` when they are rejected (not PEM, key does not match).
   */
  export function setCertificate(certPem: string, keyPem: string): bool {
    const c = utf8(certPem);
    const k = utf8(keyPem);
    return ngx_wasm_ssl_set_certificate(ptr(c), c.byteLength, ptr(k), k.byteLength) == Status.OK;
  }
}

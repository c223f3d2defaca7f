// SSL phases: read the client's SNI, reject the handshake with a TLS alert, or
// choose the certificate (PEM chain + key, checked like OpenSSL would).

import { X509Certificate, createPrivateKey } from "node:crypto";
import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { text } from "./memory.js";

/** The alert of a handshake rejected in ssl_certificate (OpenSSL's SSL_AD_INTERNAL_ERROR). */
const INTERNAL_ERROR_ALERT = 80;

/** True when `cert` is a PEM certificate and `key` the PEM private key that matches it. */
function validCertificate(cert: string, key: string): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

type SslFunctions = Pick<HostFunctions, "ngx_wasm_ssl_get_server_name" | "ngx_wasm_ssl_reject_handshake" | "ngx_wasm_ssl_set_certificate">;

export function sslFunctions(ctx: RunContext): SslFunctions {
  return {
    ngx_wasm_ssl_get_server_name(buf) {
      const name = ctx.options.ssl?.serverName;
      if (name === undefined) return Status.NOT_FOUND;
      return buf.copy(new TextEncoder().encode(name));
    },
    ngx_wasm_ssl_reject_handshake(alert) {
      // As nginx: OpenSSL's certificate callback can only fail the handshake
      // with internal_error (80), whatever alert the guest named; the client
      // hello callback sends the guest's alert.
      ctx.sslRejectAlert = ctx.phase === "ssl_certificate" ? INTERNAL_ERROR_ALERT : alert;
      return Status.OK;
    },
    ngx_wasm_ssl_set_certificate(certBytes, keyBytes) {
      const cert = text(certBytes);
      const key = text(keyBytes);
      if (!validCertificate(cert, key)) return Status.ERROR;
      ctx.certificate = { cert, key };
      return Status.OK;
    },
  };
}

// SSL phases: read the client's SNI, reject the handshake with a TLS alert, or
// choose the certificate (PEM chain + key, checked like OpenSSL would).

import { X509Certificate, createPrivateKey } from "node:crypto";
import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { anyNegative } from "./memory.js";

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
    ngx_wasm_ssl_get_server_name(bp, bl) {
      if (anyNegative(bp, bl)) return Status.ERROR;
      const name = ctx.options.ssl?.serverName;
      if (name === undefined) return Status.NOT_FOUND;
      return ctx.memory.copyOut(bp, bl, new TextEncoder().encode(name), "ssl_get_server_name buffer");
    },
    ngx_wasm_ssl_reject_handshake(alert) {
      ctx.sslRejectAlert = alert;
      return Status.OK;
    },
    ngx_wasm_ssl_set_certificate(cp, cl, kp, kl) {
      if (anyNegative(cp, cl, kp, kl)) return Status.ERROR;
      const cert = ctx.memory.readString(cp, cl, "certificate");
      const key = ctx.memory.readString(kp, kl, "private key");
      if (!validCertificate(cert, key)) return Status.ERROR;
      ctx.certificate = { cert, key };
      return Status.OK;
    },
  };
}

// sni-cert — TLS by server name: the client hello handler refuses names this
// server does not serve (alert unrecognized_name, 112) before any certificate
// work; the certificate handler serves a.sni.test and b.sni.test each their
// own certificate (certs.ts: throwaway self-signed pairs) and leaves a client
// without SNI the server's default ssl_certificate.
// Shows: Ssl.serverName / rejectHandshake / setCertificate, both TLS phases.
//
// nginx:  server {
//             listen 127.0.0.1:18443 ssl;
//             ssl_certificate default.crt; ssl_certificate_key default.key;   # no SNI
//             ssl_client_hello_by_wasm sni-cert.wasm on_client_hello;
//             ssl_certificate_by_wasm  sni-cert.wasm on_certificate;
//         }
//   curl -skv --resolve a.sni.test:18443:127.0.0.1 https://a.sni.test:18443/ 2>&1 | grep subject:   → CN=a.sni.test
import { log, Ssl, SslAlert } from "ngxwasm";
import { A_CERT, A_KEY, B_CERT, B_KEY } from "./certs";

function known(name: string): bool {
  return name == "a.sni.test" || name == "b.sni.test";
}

export function on_client_hello(): i32 {
  const name = Ssl.serverName();
  if (name !== null && !known(name)) {
    log.info("sni-cert: no certificate for " + name);
    Ssl.rejectHandshake(SslAlert.UNRECOGNIZED_NAME);
  }
  return 0;
}

export function on_certificate(): i32 {
  const name = Ssl.serverName();
  if (name === null) return 0; // no SNI: the server's own ssl_certificate
  const ok = name == "a.sni.test" ? Ssl.setCertificate(A_CERT, A_KEY) : name == "b.sni.test" ? Ssl.setCertificate(B_CERT, B_KEY) : false;
  if (!ok) Ssl.rejectHandshake(SslAlert.UNRECOGNIZED_NAME); // the client gets internal_error (80) in this phase
  return 0;
}

// SDK test guest: SSL — SNI-based rejection and certificate selection.
import { log, Ssl, SslAlert } from "../../../sdk";

export function on_client_hello(): i32 {
  const sni = Ssl.serverName();
  if (sni === null) {
    Ssl.rejectHandshake(SslAlert.UNRECOGNIZED_NAME);
  } else if (!sni.endsWith(".test")) {
    Ssl.rejectHandshake(SslAlert.ACCESS_DENIED);
  }
  return 0;
}

export function on_certificate(): i32 {
  const sni = Ssl.serverName();
  const name = sni !== null ? sni : "default";
  const ok = Ssl.setCertificate("-----BEGIN CERTIFICATE-----\n" + name + "\n-----END CERTIFICATE-----\n",
    "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n");
  log.info("setCertificate=" + (ok ? "true" : "false"));
  return 0;
}

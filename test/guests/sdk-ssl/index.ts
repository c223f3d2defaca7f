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

// A self-signed test certificate for CN=b.test (test-only key, never used elsewhere).
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBeTCCAR+gAwIBAgIUe9yVMk0YhSB+puNbc654+q8uT2swCgYIKoZIzj0EAwIw\nETEPMA0GA1UEAwwGYi50ZXN0MCAXDTI2MTEyMTIyMTExNloYDzIxMjYxMDI4MjIx\nMTE2WjARMQ8wDQYDVQQDDAZiLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\nAARHlDXTp/RVHosZh/+rc4Vj8sHFCvLL3y1NPGAfuTd3WYwqGoOip8AlHlJ/0UE7\nAzLfUbeXXLNFQo7o01Me5XiFo1MwUTAdBgNVHQ4EFgQUdtCW4iUPTw53X5jlxA5j\nA0/rchIwHwYDVR0jBBgwFoAUdtCW4iUPTw53X5jlxA5jA0/rchIwDwYDVR0TAQH/\nBAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAxfEnn6eaxSX6LiEdZ2a6NyuYAqzR\nlpoxrmSJzY77l0cCIH8P0mXA4wpjwymhYWs7BXh5UAnELQfXCzOOoXekDb79\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgr6XoTLKNDSIYnMEL\njqQ3VxIimZ1bzQG3Y+t9M6jjhBKhRANCAARHlDXTp/RVHosZh/+rc4Vj8sHFCvLL\n3y1NPGAfuTd3WYwqGoOip8AlHlJ/0UE7AzLfUbeXXLNFQo7o01Me5XiF\n-----END PRIVATE KEY-----\n";

export function on_certificate(): i32 {
  const sni = Ssl.serverName();
  // "b.test" gets the real pair; any other name gets a certificate the host must refuse.
  const ok = sni !== null && sni == "b.test" ? Ssl.setCertificate(CERT, KEY) : Ssl.setCertificate("not a certificate", KEY);
  log.info("setCertificate=" + (ok ? "true" : "false"));
  return 0;
}

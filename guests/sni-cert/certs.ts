// THROWAWAY TEST CERTIFICATES, NOT SECRETS: two self-signed EC certificates
// (CN a.sni.test and b.sni.test, valid for 100 years) and their private keys,
// made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
// -nodes -days 36500 -subj /CN=<name>`. They are committed so the example runs
// as it is; they protect nothing and must never be used for anything real.
// Replace them with your own (or load your PEMs some other way) in a real guest.

export const A_CERT = "-----BEGIN CERTIFICATE-----\nMIIBmDCCAT6gAwIBAgIUDggm9YxzyxHpR3GzpJ8IJg1GWf4wCgYIKoZIzj0EAwIw\nFTETMBEGA1UEAwwKYS5zbmkudGVzdDAgFw0yNjExMzAxNTIwMzdaGA8yMTI2MTEw\nNjE1MjAzN1owFTETMBEGA1UEAwwKYS5zbmkudGVzdDBZMBMGByqGSM49AgEGCCqG\nSM49AwEHA0IABDnZWZPxPmwAQ9j4/k24m3IuZ2QhEtcvdbO+1H+/R4P8iob1JezK\nDcqA37ecSbCBOycuxDsDijvxuf5EZ2egZTSjajBoMB0GA1UdDgQWBBRSTLIH7dEq\nluEAEdQFvvm3JPm+rzAfBgNVHSMEGDAWgBRSTLIH7dEqluEAEdQFvvm3JPm+rzAP\nBgNVHRMBAf8EBTADAQH/MBUGA1UdEQQOMAyCCmEuc25pLnRlc3QwCgYIKoZIzj0E\nAwIDSAAwRQIgdu+8QtDzH+Hsa4PTP8yMDyVGcEgyrAQ6dKsDaf4zYKkCIQDEHeBZ\naI3adr0Nlj2pLWfEfdy15U1Udki3ORjBeUz7Yg==\n-----END CERTIFICATE-----\n";
export const A_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNExlivb77TIKKaBy\nr42yq4xtvMUKe6qGnTCU724AB8mhRANCAAQ52VmT8T5sAEPY+P5NuJtyLmdkIRLX\nL3WzvtR/v0eD/IqG9SXsyg3KgN+3nEmwgTsnLsQ7A4o78bn+RGdnoGU0\n-----END PRIVATE KEY-----\n";

export const B_CERT = "-----BEGIN CERTIFICATE-----\nMIIBlzCCAT6gAwIBAgIUXCDhJocZwHtYmooOymDL3ygp0lowCgYIKoZIzj0EAwIw\nFTETMBEGA1UEAwwKYi5zbmkudGVzdDAgFw0yNjExMzAxNTIwMzdaGA8yMTI2MTEw\nNjE1MjAzN1owFTETMBEGA1UEAwwKYi5zbmkudGVzdDBZMBMGByqGSM49AgEGCCqG\nSM49AwEHA0IABMCaI256gPDBUv4zs4RjQH7GdRhdAsgCr/NVmz19AyJfJ4QoHC0c\nnv5dG6Mwu/xyZJkOtGtXkMLcSsC1l+/zvLOjajBoMB0GA1UdDgQWBBTHdvSGk9hT\nvTCm+Sw4WL0vhUNPgTAfBgNVHSMEGDAWgBTHdvSGk9hTvTCm+Sw4WL0vhUNPgTAP\nBgNVHRMBAf8EBTADAQH/MBUGA1UdEQQOMAyCCmIuc25pLnRlc3QwCgYIKoZIzj0E\nAwIDRwAwRAIgCyHM4g/HNUq1ViINMCBc361wk5NUXHcPnPaNHsoEriACIGH/kj3i\nw1pMQQLADrgIufijeuMbv82PdvafiVmqfvHo\n-----END CERTIFICATE-----\n";
export const B_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguNEDyN0Dkw8cu1+Q\nhzfRbrZVjbO8WvvUNMqHDlYAUv2hRANCAATAmiNueoDwwVL+M7OEY0B+xnUYXQLI\nAq/zVZs9fQMiXyeEKBwtHJ7+XRujMLv8cmSZDrRrV5DC3ErAtZfv87yz\n-----END PRIVATE KEY-----\n";

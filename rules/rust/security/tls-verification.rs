use std::sync::Arc;

fn client(insecure: bool) -> reqwest::Client {
    reqwest::Client::builder()
        // ruleid: rust/security/tls-verification
        .danger_accept_invalid_certs(true)
        // ruleid: rust/security/tls-verification
        .danger_accept_invalid_hostnames(true)
        .build()
        .unwrap_or_default()
}

fn rustls_config(mut config: rustls::ClientConfig) -> rustls::ClientConfig {
    config
        .dangerous()
        // ruleid: rust/security/tls-verification
        .set_certificate_verifier(Arc::new(NoVerifier));
    // ruleid: rust/security/tls-verification
    let c2 = rustls::ClientConfig::builder().dangerous().with_custom_certificate_verifier(Arc::new(NoVerifier));
    drop(c2);
    config
}

fn openssl(builder: &mut SslConnectorBuilder) {
    // ruleid: rust/security/tls-verification
    builder.set_verify(SslVerifyMode::NONE);
    // ok: rust/security/tls-verification
    builder.set_verify(SslVerifyMode::PEER);
}

fn fine(cfg: &Config, ca: reqwest::Certificate) -> reqwest::Client {
    reqwest::Client::builder()
        // ok: rust/security/tls-verification
        .danger_accept_invalid_certs(false)
        // ok: rust/security/tls-verification
        .danger_accept_invalid_hostnames(cfg.insecure)
        // ok: rust/security/tls-verification
        .add_root_certificate(ca)
        .build()
        .unwrap_or_default()
}

/* tls_ca.c - libgit2's start-up without the system's CA bundle.
 *
 * git_libgit2_init() sets up mbedTLS for libgit2's HTTPS transport and
 * parses the system's CA bundle (/etc/ssl/certs/ca-certificates.crt on
 * Debian) on every run: ~56 M instructions of constant-time base64, 6-9 ms,
 * on the path of every check before any diff (docs/performance.md).
 * prgate never connects through libgit2: it reads local repositories, and
 * a review is posted with libcurl. libgit2 1.5 has no switch to skip the
 * load, so the executable defines the two mbedTLS functions libgit2 loads
 * CA certificates with, and the dynamic linker binds libgit2's calls to
 * these (symbol interposition: CMakeLists.txt exports them from the
 * executable; libgit2 is linked with BIND_NOW, the executable's symbols
 * come first). They load nothing and report success: a TLS connection
 * through libgit2 would then fail verification, closed, not open. Only the
 * executables link this file; the libraries and tests keep mbedTLS's own.
 * Should a libgit2 load its certificates another way, the run is as slow
 * as before and nothing else changes. */

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

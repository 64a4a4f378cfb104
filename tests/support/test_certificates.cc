#include "tests/support/test_certificates.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"

namespace kaoping::testing {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("test certificates: ", what, " failed"));
}

Key NewKey() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

// Adds an X.509v3 extension given in OpenSSL's configuration syntax.
bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return false;
  }
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

struct Extensions {
  const char* basic_constraints;
  const char* key_usage;
  const char* extended_key_usage;  // nullptr: none
  const char* subject_alt_name;    // nullptr: none
};

// A certificate for `key` named `common_name`, signed by issuer_key (self-
// signed when issuer is null), valid from an hour ago for a day.
absl::StatusOr<Cert> Issue(EVP_PKEY* key, const char* common_name, X509* issuer,
                           EVP_PKEY* issuer_key, const Extensions& extensions, long serial) {
  Cert cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("a certificate's fields");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name) !=
          1) {
    return OpenSslError("a certificate's names");
  }
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (!AddExtension(cert.get(), signer, NID_basic_constraints, extensions.basic_constraints) ||
      !AddExtension(cert.get(), signer, NID_key_usage, extensions.key_usage) ||
      !AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash") ||
      (extensions.extended_key_usage != nullptr &&
       !AddExtension(cert.get(), signer, NID_ext_key_usage, extensions.extended_key_usage)) ||
      (extensions.subject_alt_name != nullptr &&
       !AddExtension(cert.get(), signer, NID_subject_alt_name, extensions.subject_alt_name))) {
    return OpenSslError("a certificate's extensions");
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return OpenSslError("signing a certificate");
  }
  return cert;
}

enum class PemKind { kCertificate, kPrivateKey, kPublicKey };

absl::Status WritePem(const std::string& path, PemKind kind, X509* cert, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    return absl::InternalError(absl::StrCat("test certificates: cannot write ", path));
  }
  bool ok = false;
  switch (kind) {
    case PemKind::kCertificate:
      ok = PEM_write_X509(file, cert) == 1;
      break;
    case PemKind::kPrivateKey:
      ok = PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
      break;
    case PemKind::kPublicKey:
      ok = PEM_write_PUBKEY(file, key) == 1;
      break;
  }
  std::fclose(file);
  return ok ? absl::OkStatus() : OpenSslError(absl::StrCat("writing ", path));
}

constexpr Extensions kCa{"critical,CA:TRUE", "critical,keyCertSign,cRLSign", nullptr, nullptr};
constexpr Extensions kServer{"critical,CA:FALSE", "critical,digitalSignature", "serverAuth",
                             "IP:127.0.0.1,DNS:localhost"};
constexpr Extensions kClient{"critical,CA:FALSE", "critical,digitalSignature", "clientAuth",
                             nullptr};

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& dir) {
  Key ca_key = NewKey();
  Key stranger_ca_key = NewKey();
  Key server_key = NewKey();
  Key client_key = NewKey();
  Key stranger_key = NewKey();
  if (!ca_key || !stranger_ca_key || !server_key || !client_key || !stranger_key) {
    return OpenSslError("key generation");
  }
  auto ca = Issue(ca_key.get(), "kaoping test CA", nullptr, nullptr, kCa, 1);
  auto stranger_ca = Issue(stranger_ca_key.get(), "another CA", nullptr, nullptr, kCa, 1);
  if (!ca.ok() || !stranger_ca.ok()) {
    return ca.ok() ? stranger_ca.status() : ca.status();
  }
  auto server = Issue(server_key.get(), "localhost", ca->get(), ca_key.get(), kServer, 2);
  auto client = Issue(client_key.get(), "kaoping-client", ca->get(), ca_key.get(), kClient, 3);
  auto stranger = Issue(stranger_key.get(), "kaoping-client", stranger_ca->get(),
                        stranger_ca_key.get(), kClient, 2);
  for (const auto* issued : {&server, &client, &stranger}) {
    if (!issued->ok()) {
      return issued->status();
    }
  }
  TestCertificates files{dir + "/ca.pem",      dir + "/server.pem", dir + "/server.key",
                         dir + "/client.pem",  dir + "/client.key", dir + "/stranger.pem",
                         dir + "/stranger.key"};
  for (const auto& [path, cert] :
       {std::pair{files.ca_file, ca->get()}, std::pair{files.server_cert_file, server->get()},
        std::pair{files.client_cert_file, client->get()},
        std::pair{files.stranger_cert_file, stranger->get()}}) {
    if (auto st = WritePem(path, PemKind::kCertificate, cert, nullptr); !st.ok()) {
      return st;
    }
  }
  for (const auto& [path, key] : {std::pair{files.server_key_file, server_key.get()},
                                  std::pair{files.client_key_file, client_key.get()},
                                  std::pair{files.stranger_key_file, stranger_key.get()}}) {
    if (auto st = WritePem(path, PemKind::kPrivateKey, nullptr, key); !st.ok()) {
      return st;
    }
  }
  return files;
}

absl::StatusOr<TestSigningKey> MakeTestSigningKey(const std::string& dir) {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (key == nullptr) {
    return OpenSslError("Ed25519 key generation");
  }
  TestSigningKey files{dir + "/signing.key", dir + "/signing.pub"};
  if (auto st = WritePem(files.private_key_file, PemKind::kPrivateKey, nullptr, key.get());
      !st.ok()) {
    return st;
  }
  if (auto st = WritePem(files.public_key_file, PemKind::kPublicKey, nullptr, key.get());
      !st.ok()) {
    return st;
  }
  return files;
}

}  // namespace kaoping::testing

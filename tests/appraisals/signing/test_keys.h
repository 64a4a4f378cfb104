#pragma once

#include <string>

#include "absl/strings/string_view.h"

// Keys and encodings the signing tests build: PEM around DER, PKCS#8 from a
// raw private key (as the standards' vectors give them), keys of kinds the
// library must refuse, and files made by the `openssl` command line.
namespace kaoping::signing::testing {

std::string Hex(absl::string_view hex);  // hex text → bytes

// n, the order of the SM2 curve's base point (GB/T 32918.5-2017).
inline constexpr char kSm2OrderHex[] =
    "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";
std::string PemOf(absl::string_view label, absl::string_view der);

// PEM PKCS#8 of an Ed25519 seed (RFC 8410) and of an SM2 scalar d without
// its public key (RFC 5915 ECPrivateKey on the SM2 curve), both 32 bytes.
std::string Ed25519Pkcs8Pem(absl::string_view seed);
std::string Sm2Pkcs8Pem(absl::string_view d);

// A fresh key of an OpenSSL type the library refuses ("RSA", "ED448",
// "X25519", or "EC" on curve P-256 with type "P-256"), as PEM PKCS#8 and as
// PEM SubjectPublicKeyInfo.
struct ForeignKey {
  std::string private_pem;
  std::string public_pem;
  std::string public_point;  // EC only: the 65-byte uncompressed point
};
ForeignKey GenerateForeignKey(absl::string_view type);

// Made with OpenSSL 3.0.19's command line (commands in README.md):
//   openssl genpkey -algorithm ed25519 -out ed.pem
//   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sm2.pem
//   openssl pkey -in KEY.pem -pubout
//   openssl pkcs8 -topk8 -in sm2.pem -v2 aes-256-cbc -passout 'pass:正确的口令 correct horse'
//   openssl pkcs8 -topk8 -in ed.pem -v2 sm4-cbc -passout 'pass:correct horse'
//   openssl ec -in sm2.pem   (the traditional "SM2 PRIVATE KEY" form)
//   openssl dgst -sm3 -sign sm2.pem -sigopt distid:ID -out sig msg
//   openssl pkeyutl -sign -inkey ed.pem -rawin -in msg -out sig
extern const char kCliEd25519PrivatePem[];
extern const char kCliEd25519PublicPem[];
extern const char kCliEd25519Sm4Pem[];  // kCliEd25519PrivatePem, encrypted
extern const char kCliSm2PrivatePem[];
extern const char kCliSm2PublicPem[];
extern const char kCliSm2AesPem[];  // kCliSm2PrivatePem, encrypted
extern const char kCliSm2TraditionalPem[];
// openssl ec -in sm2.pem -pubout -param_enc explicit: kCliSm2PublicPem with
// the curve spelled out instead of named.
extern const char kCliSm2ExplicitPublicPem[];
// openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
//   -pkeyopt ec_param_enc:explicit, then openssl pkey -pubout.
extern const char kCliP256ExplicitPublicPem[];
extern const char kCliEd25519Passphrase[];
extern const char kCliSm2Passphrase[];
extern const char kCliMessage[];
extern const char kCliEd25519SignatureHex[];
extern const char kCliSm2SignatureHex[];       // signer id 1234567812345678
extern const char kCliSm2AliceSignatureHex[];  // signer id ALICE123@YAHOO.COM

}  // namespace kaoping::signing::testing

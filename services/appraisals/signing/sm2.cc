#include "services/appraisals/signing/sm2.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/digests.h"
#include "services/common/status_macros.h"

namespace kaoping::signing {
namespace {

// The recommended curve (GB/T 32918.5-2017), big-endian.
struct Sm2Curve {
  std::string a =
      absl::HexStringToBytes("fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc");
  std::string b =
      absl::HexStringToBytes("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93");
  std::string gx =
      absl::HexStringToBytes("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7");
  std::string gy =
      absl::HexStringToBytes("bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0");
  std::string n =
      absl::HexStringToBytes("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
};

const Sm2Curve& Curve() {
  static const Sm2Curve* curve = new Sm2Curve();
  return *curve;
}

// ENTL, the id's length in bits, is 16 bits; OpenSSL stops one byte short.
constexpr std::size_t kMaxSignerIdBytes = 8190;

absl::Status NotDer(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("is not a DER SM2 signature (SEQUENCE { r INTEGER, s INTEGER }): ", why));
}

// One DER INTEGER at the front of `in`, consumed; its value as 32 bytes
// big-endian, in [1, n-1].
absl::StatusOr<std::string> ReadInteger(absl::string_view* in, absl::string_view name) {
  if (in->size() < 2 || (*in)[0] != 0x02) {
    return NotDer(absl::StrCat(name, " is not an INTEGER"));
  }
  const std::size_t length = static_cast<std::uint8_t>((*in)[1]);
  if (length == 0 || length > 33 || in->size() < 2 + length) {
    return NotDer(absl::StrCat(name, " has a bad length"));
  }
  absl::string_view value = in->substr(2, length);
  in->remove_prefix(2 + length);
  if ((value[0] & 0x80) != 0) {
    return NotDer(absl::StrCat(name, " is negative"));
  }
  if (value.size() > 1 && value[0] == 0 && (value[1] & 0x80) == 0) {
    return NotDer(absl::StrCat(name, " has a superfluous leading zero"));
  }
  if (value[0] == 0) {
    value.remove_prefix(1);
  }
  if (value.size() > 32) {
    return NotDer(absl::StrCat(name, " is longer than 32 bytes"));
  }
  std::string padded = absl::StrCat(std::string(32 - value.size(), '\0'), value);
  if (padded == std::string(32, '\0') || padded >= Curve().n) {
    return absl::InvalidArgumentError(
        absl::StrCat("is not an SM2 signature: ", name, " is not in [1, n-1]"));
  }
  return padded;
}

}  // namespace

absl::Status CheckSm2SignerId(absl::string_view signer_id) {
  if (signer_id.empty() || signer_id.size() > kMaxSignerIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("SM2 signer id must be 1 to ", kMaxSignerIdBytes,
                                                   " bytes (the default is \"", kDefaultSm2SignerId,
                                                   "\"), got ", signer_id.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ComputeSm2Z(const PublicKey& key, absl::string_view signer_id) {
  if (key.algorithm() != Algorithm::kSm2) {
    return absl::InvalidArgumentError("Z is defined for SM2 keys only");
  }
  RETURN_IF_ERROR(CheckSm2SignerId(signer_id));
  const std::size_t bits = signer_id.size() * 8;
  const char entl[2] = {static_cast<char>(bits >> 8), static_cast<char>(bits & 0xff)};
  const Sm2Curve& curve = Curve();
  // raw() is 04 ‖ xA ‖ yA.
  return Sm3(absl::StrCat(absl::string_view(entl, 2), signer_id, curve.a, curve.b, curve.gx,
                          curve.gy, key.raw().substr(1)));
}

absl::StatusOr<std::string> Sm2MessageHash(const PublicKey& key, absl::string_view message,
                                           absl::string_view signer_id) {
  ASSIGN_OR_RETURN(std::string z, ComputeSm2Z(key, signer_id));
  return Sm3(absl::StrCat(z, message));
}

absl::StatusOr<Sm2SignatureValues> ParseSm2Signature(absl::string_view der) {
  // Two INTEGERs of at most 33 bytes: the SEQUENCE's length fits the short form.
  if (der.size() < 2 || der[0] != 0x30) {
    return NotDer("does not start with a SEQUENCE");
  }
  if ((der[1] & 0x80) != 0) {
    return NotDer("SEQUENCE length is not in DER's short form");
  }
  const std::size_t length = static_cast<std::uint8_t>(der[1]);
  if (der.size() < 2 + length) {
    return NotDer("truncated");
  }
  if (der.size() > 2 + length) {
    return NotDer(absl::StrCat(der.size() - 2 - length, " bytes after the SEQUENCE"));
  }
  absl::string_view content = der.substr(2);
  Sm2SignatureValues values;
  ASSIGN_OR_RETURN(values.r, ReadInteger(&content, "r"));
  ASSIGN_OR_RETURN(values.s, ReadInteger(&content, "s"));
  if (!content.empty()) {
    return NotDer(absl::StrCat(content.size(), " bytes after s inside the SEQUENCE"));
  }
  return values;
}

}  // namespace kaoping::signing

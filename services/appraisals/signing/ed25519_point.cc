#include "services/appraisals/signing/ed25519_point.h"

#include <openssl/bn.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"

namespace kaoping::signing::internal {
namespace {

struct BnDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

// p = 2^255 - 19 and d = -121665/121666 mod p (RFC 8032 §5.1), big-endian.
constexpr char kP[] = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed";
constexpr char kD[] = "52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3";

// The encodings of the points of order 1, 2, 4 and 8 with the sign bit
// cleared (the list libsodium and "Taming the many EdDSAs" use); an encoding
// matches whatever its sign bit.
constexpr std::array<const char*, 5> kSmallOrder = {
    "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
    "0100000000000000000000000000000000000000000000000000000000000000",  // identity
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2
};

BnPtr FromHex(const char* hex) {
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, hex);
  return BnPtr(bn);
}

// Whether x^2 = (y^2 - 1) / (d y^2 + 1) has a solution mod p, with x != 0
// when the sign bit asks for an odd x (RFC 8032 §5.1.3 steps 2-4).
bool Decodes(const BIGNUM* y, bool x_odd, const BIGNUM* p, BN_CTX* ctx) {
  BnPtr d = FromHex(kD);
  BnPtr y2(BN_new()), u(BN_new()), v(BN_new()), x2(BN_new()), e(BN_new()), r(BN_new());
  if (!d || !y2 || !u || !v || !x2 || !e || !r || !BN_mod_sqr(y2.get(), y, p, ctx) ||
      !BN_mod_sub(u.get(), y2.get(), BN_value_one(), p, ctx) ||
      !BN_mod_mul(v.get(), d.get(), y2.get(), p, ctx) ||
      !BN_mod_add(v.get(), v.get(), BN_value_one(), p, ctx) ||
      BN_mod_inverse(v.get(), v.get(), p, ctx) == nullptr ||
      !BN_mod_mul(x2.get(), u.get(), v.get(), p, ctx)) {
    return false;
  }
  if (BN_is_zero(x2.get())) {
    return !x_odd;
  }
  // Euler's criterion: x2 is a square iff x2^((p-1)/2) = 1.
  return BN_sub(e.get(), p, BN_value_one()) && BN_rshift1(e.get(), e.get()) &&
         BN_mod_exp(r.get(), x2.get(), e.get(), p, ctx) && BN_is_one(r.get());
}

}  // namespace

absl::Status CheckEd25519PublicKey(absl::string_view raw) {
  if (raw.size() != 32) {
    return absl::InvalidArgumentError("an Ed25519 public key is 32 bytes");
  }
  std::string cleared(raw);
  cleared[31] = static_cast<char>(cleared[31] & 0x7f);
  for (const char* hex : kSmallOrder) {
    if (cleared == absl::HexStringToBytes(hex)) {
      return absl::InvalidArgumentError(
          "is a small-order Ed25519 point (a weak key that would accept forged signatures)");
    }
  }
  std::string big_endian(cleared.rbegin(), cleared.rend());
  BnPtr y(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()), 32, nullptr));
  BnPtr p = FromHex(kP);
  std::unique_ptr<BN_CTX, BnDeleter> ctx(BN_CTX_new());
  if (!y || !p || !ctx) {
    return absl::InternalError("out of memory checking an Ed25519 key");
  }
  if (BN_cmp(y.get(), p.get()) >= 0) {
    return absl::InvalidArgumentError("is not a canonical Ed25519 point encoding (y >= p)");
  }
  if (!Decodes(y.get(), (raw[31] & 0x80) != 0, p.get(), ctx.get())) {
    return absl::InvalidArgumentError("is not a point on the Ed25519 curve");
  }
  return absl::OkStatus();
}

}  // namespace kaoping::signing::internal

#include "gateway/public/proof_of_work.h"

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace kaoping::gateway {
namespace {

constexpr size_t kRandomBytes = 12;
constexpr size_t kMacBytes = 16;
// expiry (8, big-endian milliseconds) ‖ random ‖ bits (1) ‖ MAC.
constexpr size_t kTokenBytes = 8 + kRandomBytes + 1 + kMacBytes;

std::string BigEndian(int64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

int64_t FromBigEndian(absl::string_view bytes) {
  int64_t value = 0;
  for (unsigned char c : bytes.substr(0, 8)) {
    value = (value << 8) | c;
  }
  return value;
}

absl::Status Refused(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace

ProofOfWork::ProofOfWork(std::string key, int bits, absl::Duration lifetime, const Clock* clock)
    : key_(key.empty() ? RandomBytes(32) : std::move(key)),
      bits_(bits),
      lifetime_(lifetime),
      clock_(clock) {}

ProofOfWork::Challenge ProofOfWork::Issue() const {
  Challenge challenge;
  challenge.bits = bits_;
  challenge.expire_time = clock_->Now() + lifetime_;
  std::string body =
      absl::StrCat(BigEndian(absl::ToUnixMillis(challenge.expire_time)), RandomBytes(kRandomBytes),
                   std::string(1, static_cast<char>(bits_)));
  challenge.token =
      Base64UrlEncode(absl::StrCat(body, HmacSha256(key_, body).substr(0, kMacBytes)));
  return challenge;
}

int ProofOfWork::LeadingZeroBits(absl::string_view token, absl::string_view nonce) {
  const std::string digest = Sha256(absl::StrCat(token, ":", nonce));
  int zeros = 0;
  for (unsigned char byte : digest) {
    if (byte == 0) {
      zeros += 8;
      continue;
    }
    for (int bit = 7; bit >= 0 && (byte & (1 << bit)) == 0; --bit) {
      ++zeros;
    }
    break;
  }
  return zeros;
}

absl::Status ProofOfWork::Verify(absl::string_view token, absl::string_view nonce) const {
  std::string bytes;
  if (token.empty() || token.size() > 100 || !Base64UrlDecode(token, &bytes) ||
      bytes.size() != kTokenBytes) {
    return Refused("challenge", "not a challenge of this gateway; ask for a new one");
  }
  const absl::string_view body = absl::string_view(bytes).substr(0, kTokenBytes - kMacBytes);
  const absl::string_view mac = absl::string_view(bytes).substr(kTokenBytes - kMacBytes);
  if (!ConstantTimeEquals(HmacSha256(key_, body).substr(0, kMacBytes), mac)) {
    return Refused("challenge", "not a challenge of this gateway; ask for a new one");
  }
  if (clock_->Now() >= absl::FromUnixMillis(FromBigEndian(body))) {
    return Refused("challenge", "expired; ask for a new one");
  }
  if (nonce.empty() || nonce.size() > 64) {
    return Refused("nonce", "must be 1..64 characters");
  }
  const int bits = static_cast<unsigned char>(body.back());
  if (LeadingZeroBits(token, nonce) < bits) {
    return Refused("nonce", absl::StrCat("does not solve the challenge (", bits, " zero bits)"));
  }
  return absl::OkStatus();
}

std::string ProofOfWork::IdOf(absl::string_view token) { return Sha256Hex(token).substr(0, 32); }

}  // namespace kaoping::gateway

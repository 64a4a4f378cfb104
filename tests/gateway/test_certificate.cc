#include "tests/gateway/test_certificate.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace kaoping::gateway::testing {

absl::StatusOr<TestCertificate> MakeTestCertificate() {
  auto dir = ::kaoping::testing::MakeTempDir("kaoping-tls");
  if (!dir.ok()) {
    return dir.status();
  }
  TestCertificate c;
  c.cert_file = *dir + "/cert.pem";
  c.key_file = *dir + "/key.pem";
  const std::string command =
      absl::StrCat("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 ",
                   "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout ",
                   c.key_file, " -out ", c.cert_file, " 2>/dev/null");
  if (std::system(command.c_str()) != 0) {
    return absl::UnavailableError("openssl could not make a certificate");
  }
  std::ifstream in(c.cert_file);
  std::stringstream pem;
  pem << in.rdbuf();
  c.cert_pem = pem.str();
  return c;
}

}  // namespace kaoping::gateway::testing

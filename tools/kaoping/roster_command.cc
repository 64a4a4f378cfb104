#include "tools/kaoping/roster_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "kaoping/v1/results.grpc.pb.h"
#include "services/common/crypto.h"
#include "services/common/tls/tls_config.h"
#include "tools/kaoping/roster_csv.h"

namespace kaoping::cli {
namespace {

using Flags = std::map<std::string, std::string>;

std::string Flag(const Flags& flags, const std::string& name) {
  auto it = flags.find(name);
  return it == flags.end() ? "" : it->second;
}

int Fail(const std::string& message) {
  std::cerr << "kaoping roster: " << message << "\n";
  return 1;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  return text.str();
}

absl::Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << bytes)) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  if (const char* token = std::getenv("KAOPING_TOKEN"); token != nullptr && *token != '\0') {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return context;
}

absl::StatusOr<std::unique_ptr<v1::ResultsService::Stub>> Stub(const std::string& address,
                                                               const Flags& flags) {
  ClientTlsOptions tls;
  tls.ca_file = Flag(flags, "tls-ca");
  tls.cert_file = Flag(flags, "tls-cert");
  tls.key_file = Flag(flags, "tls-key");
  tls.server_name = Flag(flags, "tls-server-name");
  tls.enabled = !tls.ca_file.empty() || !tls.cert_file.empty();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = CreateClientChannel(address, tls);
  if (!channel.ok()) {
    return channel.status();
  }
  return v1::ResultsService::NewStub(*channel);
}

// The service's refusals of rows of one file, as report lines.
template <typename Row>
void Report(const std::string& file, const std::vector<int>& lines,
            const google::protobuf::RepeatedPtrField<Row>& rows,
            const google::protobuf::RepeatedPtrField<v1::RowResult>& results,
            std::vector<CsvRowError>& errors) {
  for (const v1::RowResult& result : results) {
    if (result.status().code() == 0 || result.index() < 0 || result.index() >= rows.size() ||
        result.index() >= static_cast<int>(lines.size())) {
      continue;
    }
    const std::string& name = rows.Get(result.index()).name();
    errors.push_back({lines[result.index()], name.substr(name.rfind('/') + 1),
                      absl::StrCat(file, ": ", result.status().message())});
  }
}

// Reads the rows of one file into `rows`, their lines into `lines`, the
// lines that did not become rows into `errors`, and the file's SHA-256
// onto `digest` (the default request id).
template <typename Row>
absl::Status ReadRows(const std::string& file, const std::string& region,
                      absl::StatusOr<ParsedCsv<Row>> (*parse)(absl::string_view,
                                                              const std::string&),
                      google::protobuf::RepeatedPtrField<Row>& rows, std::vector<int>& lines,
                      std::vector<CsvRowError>& errors, std::string& digest) {
  absl::StatusOr<std::string> bytes = ReadFile(file);
  if (!bytes.ok()) {
    return bytes.status();
  }
  absl::StatusOr<ParsedCsv<Row>> parsed = parse(*bytes, region);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", parsed.status().message()));
  }
  for (CsvRowError& error : parsed->errors) {
    error.message = absl::StrCat(file, ": ", error.message);
    errors.push_back(std::move(error));
  }
  rows.Assign(parsed->rows.begin(), parsed->rows.end());
  lines = parsed->lines;
  digest += Sha256Hex(*bytes);
  return absl::OkStatus();
}

int Import(const std::string& address, const Flags& flags) {
  const std::string region = Flag(flags, "region");
  const std::string units_file = Flag(flags, "units");
  const std::string cadres_file = Flag(flags, "cadres");
  if (region.empty() || (units_file.empty() && cadres_file.empty())) {
    return Fail(absl::StrCat("import needs --region and --units or --cadres\n", kRosterUsage));
  }
  v1::ImportRosterRequest request;
  request.set_region(absl::StrCat("regions/", region));
  std::vector<CsvRowError> errors;
  std::vector<int> unit_lines, cadre_lines;
  std::string digest;
  if (!units_file.empty()) {
    if (absl::Status st = ReadRows(units_file, region, ParseUnitsCsv, *request.mutable_units(),
                                   unit_lines, errors, digest);
        !st.ok()) {
      return Fail(std::string(st.message()));
    }
  }
  if (!cadres_file.empty()) {
    if (absl::Status st = ReadRows(cadres_file, region, ParseCadresCsv, *request.mutable_cadres(),
                                   cadre_lines, errors, digest);
        !st.ok()) {
      return Fail(std::string(st.message()));
    }
  }
  const std::string mode = Flag(flags, "mode");
  if (mode == "snapshot") {
    request.set_mode(v1::ImportRosterRequest::SNAPSHOT);
  } else if (!mode.empty() && mode != "merge") {
    return Fail("--mode must be merge or snapshot");
  }
  request.set_validate_only(Flag(flags, "validate-only") == "true");
  request.set_allow_mass_deactivation(Flag(flags, "allow-mass-deactivation") == "true");
  request.set_request_id(flags.contains("request-id")
                             ? Flag(flags, "request-id")
                             : absl::StrCat("csv-", Sha256Hex(absl::StrCat(mode, digest))));
  auto stub = Stub(address, flags);
  if (!stub.ok()) {
    return Fail(std::string(stub.status().message()));
  }
  v1::ImportRosterResponse response;
  grpc::Status status = (*stub)->ImportRoster(Context().get(), request, &response);
  if (!status.ok()) {
    return Fail(
        absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                     ": ", status.error_message()));
  }
  Report(units_file, unit_lines, request.units(), response.unit_results(), errors);
  Report(cadres_file, cadre_lines, request.cadres(), response.cadre_results(), errors);
  auto counts = [](const v1::RosterImportCounts& c) {
    return absl::StrCat("created ", c.created(), ", updated ", c.updated(), ", unchanged ",
                        c.unchanged(), ", rejected ", c.rejected(), ", deactivated ",
                        c.deactivated());
  };
  std::cout << (request.validate_only() ? "dry run: " : "")
            << "units: " << counts(response.unit_counts()) << "\n"
            << (request.validate_only() ? "dry run: " : "")
            << "cadres: " << counts(response.cadre_counts()) << "\n";
  for (const CsvRowError& error : errors) {
    std::cout << "line " << error.line << " (" << error.id << "): " << error.message << "\n";
  }
  if (const std::string report = Flag(flags, "report"); !report.empty()) {
    if (absl::Status st = WriteFile(report, ErrorReportCsv(errors)); !st.ok()) {
      return Fail(std::string(st.message()));
    }
  }
  return errors.empty() ? 0 : 1;
}

int Export(const std::string& address, const Flags& flags) {
  const std::string region = Flag(flags, "region");
  if (region.empty() || (Flag(flags, "units").empty() && Flag(flags, "cadres").empty())) {
    return Fail(absl::StrCat("export needs --region and --units or --cadres\n", kRosterUsage));
  }
  auto stub = Stub(address, flags);
  if (!stub.ok()) {
    return Fail(std::string(stub.status().message()));
  }
  std::vector<v1::Unit> units;
  std::vector<v1::Cadre> cadres;
  std::string token;
  do {
    v1::ListUnitsRequest request;
    request.set_parent(absl::StrCat("regions/", region));
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListUnitsResponse response;
    grpc::Status status = (*stub)->ListUnits(Context().get(), request, &response);
    if (!status.ok()) {
      return Fail(status.error_message());
    }
    units.insert(units.end(), response.units().begin(), response.units().end());
    token = response.next_page_token();
  } while (!token.empty());
  do {
    v1::ListCadresRequest request;
    request.set_parent(absl::StrCat("regions/", region));
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListCadresResponse response;
    grpc::Status status = (*stub)->ListCadres(Context().get(), request, &response);
    if (!status.ok()) {
      return Fail(status.error_message());
    }
    cadres.insert(cadres.end(), response.cadres().begin(), response.cadres().end());
    token = response.next_page_token();
  } while (!token.empty());
  for (const auto& [flag, bytes] : {std::pair{std::string("units"), UnitsCsv(units)},
                                    std::pair{std::string("cadres"), CadresCsv(cadres)}}) {
    if (const std::string file = Flag(flags, flag); !file.empty()) {
      if (absl::Status st = WriteFile(file, bytes); !st.ok()) {
        return Fail(std::string(st.message()));
      }
    }
  }
  std::cout << units.size() << " units, " << cadres.size() << " cadres\n";
  return 0;
}

}  // namespace

int Roster(const std::vector<std::string>& positional, const Flags& flags) {
  if (positional.size() < 2) {
    return Fail(absl::StrCat("usage:\n", kRosterUsage));
  }
  if (positional[0] == "import") {
    return Import(positional[1], flags);
  }
  if (positional[0] == "export") {
    return Export(positional[1], flags);
  }
  return Fail(absl::StrCat("usage:\n", kRosterUsage));
}

}  // namespace kaoping::cli

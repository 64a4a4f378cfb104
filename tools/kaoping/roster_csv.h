#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/results.pb.h"

// The roster as CSV that Excel opens and saves ("CSV UTF-8"): UTF-8 with a
// byte-order mark, Chinese headers, enum values as their Chinese labels
// (the API's names are accepted too), ids rather than resource names.
//   units:  单位编号,单位名称,领域,上级单位编号,外部编号,状态
//   cadres: 干部编号,姓名,单位编号,职务,职务类别,职级,领域,状态,外部编号
// Reading answers row by row: a line that cannot become a row is reported
// with its line number and left out; the rest is kept in order.
namespace kaoping::cli {

inline constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// A line of the file that did not become a row, or a row the service refused.
struct CsvRowError {
  int line = 0;  // 1-based line of the file (the header is line 1)
  std::string id;
  std::string message;
};

template <typename Row>
struct ParsedCsv {
  std::vector<Row> rows;
  std::vector<int> lines;  // the file line of each row
  std::vector<CsvRowError> errors;
};

// INVALID_ARGUMENT for a file that is not UTF-8 (e.g. saved as GBK) or
// whose header is not the expected one; row errors otherwise.
absl::StatusOr<ParsedCsv<v1::Unit>> ParseUnitsCsv(absl::string_view bytes,
                                                  const std::string& region_code);
absl::StatusOr<ParsedCsv<v1::Cadre>> ParseCadresCsv(absl::string_view bytes,
                                                    const std::string& region_code);

std::string UnitsCsv(const std::vector<v1::Unit>& units);
std::string CadresCsv(const std::vector<v1::Cadre>& cadres);

// The per-row error report, as CSV (行号,编号,错误).
std::string ErrorReportCsv(const std::vector<CsvRowError>& errors);

// RFC 4180 fields of one record, for tests: "a,\"b,c\"" → {a, "b,c"}.
std::vector<std::vector<std::string>> SplitCsv(absl::string_view text);

}  // namespace kaoping::cli

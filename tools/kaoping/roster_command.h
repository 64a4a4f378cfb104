#pragma once

#include <map>
#include <string>
#include <vector>

// `kaoping roster import|export`: the roster between ResultsService and CSV
// files Excel opens (roster_csv.h).
//   kaoping roster import ADDRESS --region 510114 [--units FILE] [--cadres FILE]
//       [--mode merge|snapshot] [--validate-only true] [--allow-mass-deactivation true]
//       [--request-id ID] [--report FILE]
//   kaoping roster export ADDRESS --region 510114 [--units FILE] [--cadres FILE]
// Import prints the counts and one line per rejected row (file, line, id,
// the service's message naming the field) and writes them as CSV to
// --report; it exits 1 when a row was rejected. The request id defaults to
// the SHA-256 of the files, so importing the same files again is a no-op.
// The bearer token comes from $KAOPING_TOKEN; TLS flags as for `call`.
namespace kaoping::cli {

inline constexpr char kRosterUsage[] =
    "  kaoping roster import ADDRESS --region 510114 [--units FILE.csv] [--cadres FILE.csv]\n"
    "                [--mode merge|snapshot] [--validate-only true]\n"
    "                [--allow-mass-deactivation true] [--request-id ID] [--report ERRORS.csv]\n"
    "  kaoping roster export ADDRESS --region 510114 [--units FILE.csv] [--cadres FILE.csv]\n"
    "      (CSV UTF-8 with BOM and Chinese headers, as Excel saves it)\n";

int Roster(const std::vector<std::string>& positional,
           const std::map<std::string, std::string>& flags);

}  // namespace kaoping::cli

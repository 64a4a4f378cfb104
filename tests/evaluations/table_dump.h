#pragma once

#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/db/database.h"
#include "services/common/status_macros.h"

namespace kaoping::evaluations::testing {

// Every column of every row of `table`, as text: what tests search for a
// rater's identity, and compare for "nothing written".
inline std::string DumpTable(db::Database& database, const std::string& table) {
  std::string out;
  absl::Status status = db::RunInTransaction(
      database, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT * FROM ", table)));
        for (const db::Row& row : rows) {
          for (const db::Value& value : row) {
            if (value.is_text()) absl::StrAppend(&out, value.AsText(), "|");
            if (value.is_blob()) absl::StrAppend(&out, value.AsBlob(), "|");
            if (value.is_int()) absl::StrAppend(&out, value.AsInt(), "|");
          }
          out += "\n";
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

}  // namespace kaoping::evaluations::testing

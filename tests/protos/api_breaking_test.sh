#!/usr/bin/env bash
# Proves that scripts/check-api guards the released API (protos/api-baseline
# .binpb): on a copy of the protos, the unchanged API passes, a compatible
# addition passes, and a reused field number, a changed field type, a
# removed enum value and a renumbered field each fail, naming what broke; and
# so does a repeated request field whose comment states no limit. Usage: api_breaking_test.sh REPO_ROOT
set -uo pipefail
repo="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
passed=0

fresh_copy() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree"
  cp -r "$repo/protos" "$repo/buf.yaml" "$work/tree/"
  ln -s "$repo/node_modules" "$work/tree/node_modules"
}

# mutate FILE PERL_EXPR: applies a substitution, failing the test if it
# matched nothing (so that a change of the protos cannot make a case vacuous).
mutate() {
  local file="$work/tree/protos/kaoping/v1/$1"
  local before
  before="$(sha256sum "$file")"
  perl -0pi -e "$2" "$file"
  if [ "$before" = "$(sha256sum "$file")" ]; then
    echo "FAIL: mutation matched nothing in $1: $2"
    failures=$((failures + 1))
    return 1
  fi
}

expect() {  # expect pass|fail NAME [TEXT the output must contain]
  local want="$1" name="$2" text="${3:-}" out rc
  out="$("$repo/scripts/check-api" "$work/tree" 2>&1)"
  rc=$?
  if { [ "$want" = pass ] && [ $rc -ne 0 ]; } || { [ "$want" = fail ] && [ $rc -eq 0 ]; }; then
    echo "FAIL: $name: expected check-api to $want (exit $rc)"; echo "$out" | head -20
    failures=$((failures + 1)); return
  fi
  if [ -n "$text" ] && ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: $name: output does not mention \"$text\""; echo "$out" | head -20
    failures=$((failures + 1)); return
  fi
  echo "ok: $name"
  passed=$((passed + 1))
}

fresh_copy
expect pass "the committed API matches its baseline"

fresh_copy
mutate indicators.proto 's/(  string publisher = 17 \[\(google\.api\.field_behavior\) = OUTPUT_ONLY\];\n)/$1  \/\/ A new field on a new number.\n  string reviewer = 99;\n/' &&
  expect pass "a new field on a new number is compatible"

fresh_copy
mutate indicators.proto 's/  string creator = 16 \[\(google\.api\.field_behavior\) = OUTPUT_ONLY\];/  \/\/ Reuses the number of the removed creator.\n  string owner = 16;/' &&
  expect fail "a reused field number fails" 'Field "16" on message "IndicatorSet" changed name from "creator" to "owner"'

fresh_copy
mutate indicators.proto 's/  int64 revision = 10 \[/  int32 revision = 10 [/' &&
  expect fail "a changed field type fails" 'changed type from "int64" to "int32"'

fresh_copy
mutate common.proto 's/  PARTY_GOVERNMENT = 6;[^\n]*\n//' &&
  expect fail "a removed enum value fails" 'enum value "6" on enum "Sector" was deleted'

fresh_copy
mutate evaluations.proto 's/  bool force = 3;/  bool force = 4;/' &&
  expect fail "a renumbered field fails" 'DeleteCampaignRequest'

fresh_copy
mutate indicators.proto 's|  // At most 100 \(each with its dimension\).\n||' &&
  expect fail "a repeated request field without a stated limit fails" \
    'kaoping.v1.Profile.added_criteria (reached as IndicatorService.CreateIndicatorSet'

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]

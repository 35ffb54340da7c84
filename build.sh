#!/usr/bin/env bash
# The two commands of the README.
#   ./build.sh samples   build every app under samples/ with our analyzers and list what they report
#   ./build.sh test      set up what the tests need, restore, build, run every test; the last line
#                        is "N passed, N failed, N skipped"; exits non-zero if anything failed
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOLUTION="$ROOT/AsyncPatterns.Analyzers.sln"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Plain, line-oriented output: the summaries below are parsed from it.
export MSBUILDTERMINALLOGGER=off

usage() {
  echo "usage: $0 samples|test" >&2
  exit 2
}

WORK=""
make_work_dir() {
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
}

log() {
  printf '\n==> %s\n' "$*"
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK ('dotnet') is not on PATH; install it from https://dot.net first." >&2
    exit 1
  fi
}

# Runtime tests run PostgreSQL from Debian's package: its server programs live in
# /usr/lib/postgresql/<major>/bin, off the PATH, and the test fixture starts its own private
# cluster as the 'postgres' user, so nothing but the package itself is needed here.
ensure_postgresql() {
  if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    echo "PostgreSQL found: $(compgen -G '/usr/lib/postgresql/*/bin/initdb' | head -n 1)"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "warning: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and this is not root;" >&2
    echo "warning: run 'sudo apt-get update && sudo apt-get install -y postgresql', or the tests that need it fail." >&2
    return 0
  fi
  log "Installing PostgreSQL (Debian package 'postgresql')"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; }; then
    echo "warning: installing PostgreSQL failed; the tests that need it will fail." >&2
  fi
}

# Sums the per-assembly summary lines of 'dotnet test' ("Failed:     0, Passed:    23, Skipped:     0,
# Total: ...") from a log; prints "passed failed skipped".
sum_test_summaries() {
  sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" \
    | grep -oE 'Failed:[[:space:]]*[0-9]+,[[:space:]]*Passed:[[:space:]]*[0-9]+,[[:space:]]*Skipped:[[:space:]]*[0-9]+' \
    | awk -F'[^0-9]+' '{ failed += $2; passed += $3; skipped += $4 } END { printf "%d %d %d\n", passed, failed, skipped }' \
    || true
}

cmd_test() {
  require_dotnet
  cd "$ROOT"
  ensure_postgresql

  local passed=0 failed=0 skipped=0 status=0
  make_work_dir

  log "dotnet restore"
  if ! dotnet restore "$SOLUTION"; then
    echo "error: restore failed" >&2
    echo "0 passed, 0 failed, 0 skipped"
    exit 1
  fi

  log "dotnet build"
  if ! dotnet build "$SOLUTION" --no-restore -c Debug; then
    echo "error: build failed; no test was run" >&2
    echo "0 passed, 0 failed, 0 skipped"
    exit 1
  fi

  log "dotnet test"
  rm -f "$ROOT/artifacts/e2e-report.txt"
  # The robustness and runtime tests append their figures (variants and fixes tried, deadlocks
  # before and after a fix, ...) to this file.
  local summary="$ROOT/tests/AsyncPatterns.Analyzers.Tests/bin/Debug/net10.0/test-report.txt"
  rm -f "$summary"
  set +e
  dotnet test "$SOLUTION" --no-build -c Debug 2>&1 | tee "$WORK/test.log"
  status=${PIPESTATUS[0]}
  set -e

  if [ -f "$summary" ]; then
    log "Robustness and runtime figures"
    cat "$summary"
  fi

  read -r passed failed skipped < <(sum_test_summaries "$WORK/test.log")
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "error: dotnet test exited with $status although no test reported a failure (aborted or crashed test run?)" >&2
  fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; then
    echo "error: no test summary found in the dotnet test output" >&2
    status=1
  fi

  # The end-to-end test's report (samples built, fixed and run before and after); dotnet test
  # shows a test host's console only at detailed verbosity.
  if [ -f "$ROOT/artifacts/e2e-report.txt" ]; then
    log "End-to-end report (samples/ShopApp before and after the fixes)"
    cat "$ROOT/artifacts/e2e-report.txt"
  fi

  echo
  echo "$passed passed, $failed failed, $skipped skipped"
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
    exit 1
  fi
}

cmd_samples() {
  require_dotnet
  cd "$ROOT"

  # The apps only: their test projects (samples/*.Tests) build the app again and add nothing here.
  local projects=()
  if [ -d samples ]; then
    while IFS= read -r project; do
      projects+=("$project")
    done < <(find samples -name '*.csproj' -not -name '*.Tests.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
  fi
  if [ "${#projects[@]}" -eq 0 ]; then
    echo "No sample project under samples/ yet: nothing to build. (The sample app arrives with a later change.)"
    exit 0
  fi

  local status=0 project
  make_work_dir

  for project in "${projects[@]}"; do
    log "dotnet build $project"
    # A full rebuild, so the diagnostics show every time and not only on the first build; the
    # samples commit our rules' mistakes on purpose, so warnings must not become errors here.
    set +e
    dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 | tee -a "$WORK/build.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    set -e
  done

  local ours others
  ours="$(grep -E ': (warning|error|info) AP[0-9]{4}:' "$WORK/build.log" | sed -E 's/ \[[^]]*\]$//' | sort -u || true)"
  others="$(grep -E ': error [A-Z]+[0-9]+:' "$WORK/build.log" | grep -vE ': error AP[0-9]{4}:' | sed -E 's/ \[[^]]*\]$//' | sort -u || true)"

  log "Diagnostics from AsyncPatterns.Analyzers"
  if [ -n "$ours" ]; then
    echo "$ours"
    echo
    echo "$ours" | grep -oE ' AP[0-9]{4}:' | tr -d ' :' | sort | uniq -c | awk '{ printf "  %s  %d\n", $2, $1 }'
  else
    echo "(none)"
  fi

  if [ "$status" -ne 0 ]; then
    if [ -n "$others" ]; then
      log "The samples failed to build for reasons other than our rules"
      echo "$others"
      exit 1
    fi
    # Only our own error-severity rules (AP1002 is an error by default) stopped the build: that
    # is the sample demonstrating them, not a broken build.
    echo
    echo "The build stopped on our error-severity diagnostics only, as the samples intend."
  fi
}

[ "$#" -eq 1 ] || usage
case "$1" in
  samples) cmd_samples ;;
  test) cmd_test ;;
  *) usage ;;
esac

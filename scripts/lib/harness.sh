# Shared by scripts/test-cluster and scripts/test-s3 (sourced, not run): a scratch folder, background processes
# that are stopped by process id whatever happens, timed steps with their logs, and the pipeline run and comparisons
# both tests make. Needs bash, java, mvn and python3.

# Exits with a message; the EXIT trap then stops everything that was started.
h_fail() {
  echo "$H_NAME: FAILED: $*" >&2
  exit 1
}

h_say() {
  echo "$H_NAME: $*" >&2
}

# h_init NAME — scratch folder $H_TMP (logs in $H_LOGS), the EXIT trap, the build (unless TTO_SKIP_BUILD=1).
h_init() {
  H_NAME="$1"
  H_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  H_START=$(date +%s)
  H_TMP="$(mktemp -d "${TMPDIR:-/tmp}/$H_NAME.XXXXXX")"
  H_LOGS="$H_TMP/logs"
  H_PIDS=()
  mkdir -p "$H_LOGS"
  H_STEP_PID=""
  trap h_cleanup EXIT
  # A terminated or interrupted test must still stop what it started: bash runs no EXIT trap when it dies of an
  # untrapped signal.
  trap 'exit 143' TERM
  trap 'exit 130' INT
  cd "$H_ROOT"
  if [ "${TTO_SKIP_BUILD:-}" != "1" ]; then
    h_say "building (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package >"$H_LOGS/build.log" 2>&1 || { tail -n 40 "$H_LOGS/build.log" >&2; h_fail "build"; }
  fi
  # Every scripts/tto below runs what was just built.
  export TTO_SKIP_BUILD=1 TTO_PROGRESS=off SPARK_LOCAL_IP=127.0.0.1 TTO_DRIVER_MEMORY="${TTO_DRIVER_MEMORY:-1g}"
  h_say "scratch folder $H_TMP"
}

# Stops every process started with h_start (and the children they started, such as executors), by process id,
# then checks that nothing started from the scratch folder is left.
h_cleanup() {
  local code=$?
  local pid child
  trap - TERM INT
  for pid in $H_STEP_PID "${H_PIDS[@]}"; do
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      kill "$child" 2>/dev/null || true
    done
    kill "$pid" 2>/dev/null || true
  done
  for pid in $H_STEP_PID "${H_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  local stray
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    stray="$(pgrep -f "$H_TMP" || true)"
    [ -z "$stray" ] && break
    sleep 1
  done
  if [ -n "$stray" ]; then
    echo "$H_NAME: processes still running from $H_TMP: $stray; stopping them" >&2
    # shellcheck disable=SC2086
    kill $stray 2>/dev/null || true
    code=1
  fi
  if [ "$code" -eq 0 ] && [ "${TTO_KEEP_TMP:-}" != "1" ]; then
    rm -rf "$H_TMP"
  else
    echo "$H_NAME: logs and lakes kept in $H_TMP" >&2
  fi
  echo "$H_NAME: $([ "$code" -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - H_START)) s" >&2
  exit "$code"
}

# A TCP port that is free on 127.0.0.1 now.
h_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# h_start NAME COMMAND... — runs COMMAND in the background, output in $H_LOGS/NAME.log; h_cleanup stops it.
h_start() {
  local name="$1"
  shift
  "$@" >"$H_LOGS/$name.log" 2>&1 &
  H_PIDS+=("$!")
}

# h_wait_for_log FILE PATTERN SECONDS — waits until FILE contains PATTERN (extended regex).
h_wait_for_log() {
  local file="$1" pattern="$2" seconds="$3"
  for ((i = 0; i < seconds; i++)); do
    if grep -Eq "$pattern" "$file" 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  tail -n 30 "$file" >&2 || true
  h_fail "no '$pattern' in $file after $seconds s"
}

# h_step LABEL COMMAND... — runs a step, output in $H_LOGS/LABEL.log, and says how long it took.
h_step() {
  local label="$1"
  shift
  local t0=$(date +%s)
  # In the background and waited for, so that a TERM or INT reaches the traps at once, not when the step ends.
  "$@" >"$H_LOGS/$label.log" 2>&1 &
  H_STEP_PID=$!
  if ! wait "$H_STEP_PID"; then
    H_STEP_PID=""
    tail -n 40 "$H_LOGS/$label.log" >&2
    h_fail "$label (log: $H_LOGS/$label.log)"
  fi
  H_STEP_PID=""
  h_say "$label ok ($(($(date +%s) - t0)) s)"
}

# A fresh random hexadecimal secret of 32 bytes.
h_secret() {
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

# h_generate DIR — a small synthetic extract (with its cohorts.csv); size from TTO_TEST_SERVICES/MONTHS/COURSES/SEED
# (default 3 services × 12 months × 150 courses a service-year: about 1,000 referrals — enough for every
# analysis to fit, small enough that Spark's fixed costs dominate, as they would in a smoke test of a deployment).
h_generate() {
  h_step generate scripts/tto generate --out "$1" --services "${TTO_TEST_SERVICES:-3}" \
    --months "${TTO_TEST_MONTHS:-12}" --courses-per-service-year "${TTO_TEST_COURSES:-150}" \
    --seed "${TTO_TEST_SEED:-20240401}"
}

# h_pipeline LABEL EXTRACTS LAKE [OPTIONS...] — ingest, derive, analyse, report and vacuum one lake, each a spark-submit
# of its own; OPTIONS (e.g. --master, --profile) go to every step. The SPEC §7 summaries are $H_TMP/LABEL-<job>.json,
# the report goes to $H_TMP/LABEL-reports.
h_pipeline() {
  local label="$1" extracts="$2" lake="$3"
  shift 3
  h_step "$label-ingest" scripts/tto ingest --extracts "$extracts" --lake "$lake" --json "$H_TMP/$label-ingest.json" "$@"
  h_step "$label-derive" scripts/tto derive --lake "$lake" --cohorts "$H_COHORTS" --json "$H_TMP/$label-derive.json" "$@"
  h_step "$label-analyse" scripts/tto analyse --lake "$lake" --json "$H_TMP/$label-analyse.json" "$@"
  h_step "$label-report" env TTO_REPORTS="$H_TMP/$label-reports" scripts/tto report --lake "$lake" "$@"
  [ -n "$(find "$H_TMP/$label-reports" -name index.html -print -quit 2>/dev/null)" ] || h_fail "$label: no report written"
  # The retention clean-up on this storage and master: it sets every table's retention and must leave content as is.
  h_step "$label-vacuum" scripts/tto vacuum --lake "$lake" "$@"
}

# h_withdraw LABEL EXTRACTS LAKE [OPTIONS...] — withdraws the first service's second month from LAKE with --purge
# (EXTRACTS is the local folder the lake was ingested from); fails unless its JSON summary ($H_TMP/LABEL-withdraw.json)
# shows bronze rows and files of earlier versions removed. Compare lakes afterwards with --ignore reason: the ledger's
# reason holds the time of each withdrawal.
h_withdraw() {
  local label="$1" extracts="$2" lake="$3" service month
  shift 3
  service=$(cd "$extracts" && ls -d T*/ | sort | head -1)
  service=${service%/}
  month=$(cd "$extracts/$service" && ls | sort | sed -n 2p)
  h_step "$label-withdraw" scripts/tto withdraw --lake "$lake" --submission "$service/$month" --reason "harness" \
    --purge --cohorts "$H_COHORTS" --json "$H_TMP/$label-withdraw.json" "$@"
  python3 - "$H_TMP/$label-withdraw.json" <<'EOF' || h_fail "$label-withdraw removed nothing (see its JSON above)"
import json, sys
s = json.load(open(sys.argv[1]))
bronze = sum(n for t, n in s["rows_removed"].items() if t.startswith("bronze."))
earlier = sum(t["files_removed"] for t in s["earlier_versions_removed"].values())
print(f"withdrew {len(s['files'])} files, {bronze} bronze rows; removed {earlier} files of earlier versions",
      file=sys.stderr)
sys.exit(0 if s["files"] and bronze > 0 and earlier > 0 else 1)
EOF
}

# h_status LABEL LAKE [OPTIONS...] — scripts/tto status after h_withdraw: fails unless it reads the ledger (every
# service, the withdrawn files), finds gold up to date (the purge derived it again) and no lock held.
h_status() {
  local label="$1" lake="$2"
  shift 2
  h_step "$label-status" scripts/tto status --lake "$lake" --json "$H_TMP/$label-status.json" "$@"
  python3 - "$H_TMP/$label-status.json" <<'EOF' || h_fail "$label-status is not what the lake holds (see its JSON above)"
import json, sys
s = json.load(open(sys.argv[1]))
withdrawn = sum(x["files_withdrawn"] for x in s["services"])
held = [l["kind"] for l in s["locks"] if l["held"]]
print(f"status: {len(s['services'])} services, {withdrawn} files withdrawn, gold {s['gold']['state']},"
      f" next nightly {s['next_nightly']}, locks held {held}", file=sys.stderr)
sys.exit(0 if s["services"] and withdrawn > 0 and s["gold"]["state"] == "up to date" and not held else 1)
EOF
}

# h_compare_lakes FIRST SECOND [OPTIONS...] — the same tables with the same content (TableDigest), doubles to
# 12 significant digits: a distributed sum may differ in its last bits with the order partitions were added.
h_compare_lakes() {
  local first="$1" second="$2"
  shift 2
  h_step compare-tables scripts/tto digest --lake "$first" --against "$second" --digits 12 "$@"
  grep -E "^(identical|DIFFERENT|comparing)" "$H_LOGS/compare-tables.log" >&2
}

# h_compare_summaries FIRST SECOND — the two runs' SPEC §7 summaries (ingest, derive, analyse) agree in every field
# and every number (to 1e-9 relative), apart from run ids.
h_compare_summaries() {
  local job
  for job in ingest derive analyse; do
    python3 - "$H_TMP/$1-$job.json" "$H_TMP/$2-$job.json" <<'EOF' || h_fail "the $job summaries differ (see above)"
import json, math, sys

def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in ("run_id", "started_at", "finished_at", "batch_id"):
                continue
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in the {'second' if k not in a else 'first'}")
            else:
                walk(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items against {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            out.append(f"{path}: {a!r} against {b!r}")
    elif a != b:
        out.append(f"{path}: {a!r} against {b!r}")

first, second = (json.load(open(f)) for f in sys.argv[1:3])
differences = []
walk(first, second, "", differences)
for d in differences:
    print(f"DIFFERENT {sys.argv[1].rsplit('-', 1)[-1]} {d}", file=sys.stderr)
sys.exit(1 if differences else 0)
EOF
  done
  h_say "ingest, derive and analyse summaries identical (estimates: $(python3 -c 'import json,sys; print(", ".join("%s %.4f" % (d["domain"], d["estimate"]) for d in json.load(open(sys.argv[1])).get("domains", []) if d.get("estimate") is not None))' "$H_TMP/$1-analyse.json"))"
}

# h_query LABEL LAKE SQL [OPTIONS...] — runs SQL in a new process by registered table names; prints the result.
h_query() {
  local label="$1" lake="$2" sql="$3"
  shift 3
  h_step "$label" scripts/tto sql --lake "$lake" -e "$sql" "$@"
  cat "$H_LOGS/$label.log" | grep -v "^tto sql:" | grep -vE "^[0-9:]{8} (WARN|INFO)" >&2 || true
}

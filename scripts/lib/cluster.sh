# A Spark standalone cluster on 127.0.0.1 from the Maven-built jars, for tests that need real separate processes
# (sourced after scripts/lib/harness.sh and h_init; every process is started with h_start, so h_cleanup stops it).
#
#   h_cluster_spark_home          stand-in SPARK_HOME in $H_TMP/spark (exports SPARK_HOME, SPARK_SCALA_VERSION,
#                                 SPARK_LOCAL_DIRS)
#   h_cluster_start_master        master on a free port; sets H_MASTER_URL and H_MASTER_PID
#   h_cluster_start_worker N [CORES] [MEMORY]
#                                 worker N (default 1 core, 2g) registered with the master; sets H_WORKER_PIDS[N]
#   h_cluster_stop_worker N       SIGKILLs worker N and the executors it launched (what losing a machine looks like)
#   h_cluster_executor_pids [N]   pids of the executor JVMs (CoarseGrainedExecutorBackend) that worker N (default:
#                                 every worker) launched, one per line; empty when none runs now
#   h_cluster_wait_for_executor N SECONDS
#                                 waits until worker N runs an executor and prints its pid
#
# Logs: $H_LOGS/master.log, $H_LOGS/workerN.log; executors' stdout/stderr under $H_TMP/workN/<app>/<id>/.

# shellcheck source=scripts/lib/jvm.sh
source "$H_ROOT/scripts/lib/jvm.sh"

declare -a H_WORKER_PIDS=()

h_cluster_spark_home() {
  local spark_home="$H_TMP/spark"
  mkdir -p "$spark_home/jars" "$spark_home/bin" "$spark_home/conf"
  # jars/ links every jar of the Maven classpath that the application jar does not bundle: what a Spark
  # distribution ships.
  python3 - jobs/target/tt-outcomes-app.jar jobs/target/classpath.txt jobs/target/spark-classpath.txt \
    "$spark_home/jars" <<'EOF'
import os, sys, zipfile
app, runtime, provided, jars = sys.argv[1:5]
bundled = set(zipfile.ZipFile(app).namelist())
def classes(jar):
    return [n for n in zipfile.ZipFile(jar).namelist() if n.endswith(".class") and not n.startswith("META-INF/")]
entries = [p for f in (runtime, provided) for p in open(f).read().strip().split(":") if p]
linked = 0
for jar in entries:
    own = classes(jar)
    # A jar whose classes the application jar carries is the application's, not the installation's.
    if own and all(c in bundled for c in own[:20]):
        continue
    os.symlink(jar, os.path.join(jars, os.path.basename(jar)))
    linked += 1
print(f"{linked} jars linked, {len(entries) - linked} bundled in the application jar")
EOF
  cat >"$spark_home/bin/spark-submit" <<'EOF'
#!/usr/bin/env bash
# Stand-in for a Spark installation's bin/spark-submit, reading Spark's launcher library as bin/spark-class does: the
# launcher builds the driver's command line (memory, extraJavaOptions, classpath from $SPARK_HOME/jars) and prints
# any messages, a NUL, then the command NUL-separated; the launcher's exit code follows.
export SPARK_HOME="$(cd "$(dirname "$0")/.." && pwd)"
export SPARK_SCALA_VERSION=2.13
cmd=()
delim=$'\n'
started=false
while IFS= read -d "$delim" -r arg; do
  if [ "$started" = true ]; then
    cmd+=("$arg")
  elif [ "$arg" = $'\0' ] || [ -z "$arg" ]; then
    delim=''
    started=true
  else
    echo "$arg"
  fi
done < <(java -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@"; printf "%d\0" $?)
last=$((${#cmd[@]} - 1))
if [ "$last" -lt 0 ] || [ "${cmd[$last]}" != 0 ]; then
  exit "${cmd[$last]:-1}"
fi
exec "${cmd[@]:0:$last}"
EOF
  chmod +x "$spark_home/bin/spark-submit"
  # Scratch space of the daemons, executors and drivers stays in the scratch folder too.
  export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_DIRS="$H_TMP/local"
  mkdir -p "$SPARK_LOCAL_DIRS"
  h_say "stand-in SPARK_HOME $spark_home: $(ls "$spark_home/jars" | wc -l) jars"
}

# Runs a standalone daemon class from the stand-in installation; exec, so the pid h_start records is the JVM's.
h_cluster_daemon() {
  # shellcheck disable=SC2086
  exec java -Xmx256m $TTO_JVM_OPENS -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" "$@"
}

h_cluster_start_master() {
  local port
  port="$(h_free_port)"
  H_MASTER_URL="spark://127.0.0.1:$port"
  h_start master h_cluster_daemon org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
    --webui-port "$(h_free_port)"
  H_MASTER_PID="${H_PIDS[-1]}"
  h_wait_for_log "$H_LOGS/master.log" "I have been elected leader" 120
}

h_cluster_start_worker() {
  local n="$1" cores="${2:-1}" memory="${3:-2g}"
  h_start "worker$n" h_cluster_daemon org.apache.spark.deploy.worker.Worker "$H_MASTER_URL" --host 127.0.0.1 \
    --cores "$cores" --memory "$memory" --work-dir "$H_TMP/work$n" --webui-port "$(h_free_port)"
  H_WORKER_PIDS[$n]="${H_PIDS[-1]}"
  h_wait_for_log "$H_LOGS/worker$n.log" "Successfully registered with master" 120
}

h_cluster_executor_pids() {
  local n jvm
  for n in "${!H_WORKER_PIDS[@]}"; do
    if [ -n "${1:-}" ] && [ "$n" != "$1" ]; then
      continue
    fi
    pgrep -P "${H_WORKER_PIDS[$n]}" -f CoarseGrainedExecutorBackend || true
  done
}

h_cluster_wait_for_executor() {
  local n="$1" seconds="$2" pids
  for ((i = 0; i < seconds * 5; i++)); do
    pids="$(h_cluster_executor_pids "$n")"
    if [ -n "$pids" ]; then
      echo "$pids" | head -n 1
      return 0
    fi
    sleep 0.2
  done
  h_fail "worker $n started no executor in $seconds s"
}

h_cluster_stop_worker() {
  local n="$1" jvm="${H_WORKER_PIDS[$1]}" executors
  executors="$(h_cluster_executor_pids "$n")"
  # shellcheck disable=SC2086
  kill -9 "$jvm" $executors 2>/dev/null || true
  h_say "worker $n (pid $jvm) and its executors ($(echo $executors)) killed"
}

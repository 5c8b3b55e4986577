# Class-data sharing for the driver JVM of scripts/tto (sourced; sets TTO_CDS_FLAGS).
#
# Why: a Spark job loads some 20,000 classes before it reads a row. Parsing and verifying them costs about 3 s of
# every command on a 2-core machine (Spark start 3.1 s -> 1.5 s, a 2M-row `tto lmm` 11.4 s -> 7.8 s; see
# docs/BENCHMARKS.md). Java 17 can map classes that an earlier run loaded from an archive instead (AppCDS, a
# "dynamic archive"): https://docs.oracle.com/en/java/javase/17/vm/class-data-sharing.html
#
# How: the first run after a build, with no archive yet, writes one as it exits (-XX:ArchiveClassesAtExit; that
# run takes about 10 s longer, once per build). It writes under a temporary name carrying its pid, because the
# JVM replaces this shell (exec) and nobody is left to check its exit. A later run adopts a finished temporary
# archive only after a separate JVM has mapped it with -Xshare:on and checked its checksums
# (-XX:+VerifySharedSpaces): a truncated archive (a run killed while writing it) makes the JVM abort at start, so
# it is never used unchecked. An archive belongs to one JDK and one classpath (both are in its name) and is
# dropped when the application jar is rebuilt. Runs go on without sharing whenever no checked archive is there.
# Archives live in jobs/target/cds (mvn clean removes them). TTO_CDS=off turns all of this off.

# tto_cds_setup DIR CLASSPATH APP_JAR: sets TTO_CDS_FLAGS to the JVM options of this run.
tto_cds_setup() {
  local dir="$1" classpath="$2" app_jar="$3"
  TTO_CDS_FLAGS=""
  [ "${TTO_CDS:-on}" != "off" ] || return 0
  local java_bin key archive tmp pid
  java_bin="$(readlink -f "$(command -v java)")" || return 0
  key="$(printf '%s\n%s\n' "$java_bin" "$classpath" | sha1sum | cut -c1-16)"
  archive="$dir/tto-$key.jsa"
  mkdir -p "$dir" 2> /dev/null || return 0
  # An archive older than the application jar describes classes that have since changed.
  if [ -f "$archive" ] && [ "$app_jar" -nt "$archive" ]; then
    rm -f "$archive"
  fi
  local dumping=""
  for tmp in "$dir"/tto-"$key".jsa.*.tmp; do
    [ -e "$tmp" ] || continue
    pid="${tmp%.tmp}"
    pid="${pid##*.}"
    if kill -0 "$pid" 2> /dev/null; then
      dumping=1 # another run is still writing it
      continue
    fi
    if [ ! -f "$archive" ] && [ ! "$app_jar" -nt "$tmp" ] && tto_cds_valid "$tmp" "$classpath"; then
      mv -f "$tmp" "$archive"
    else
      rm -f "$tmp"
    fi
  done
  # Unified logging writes to stdout by default; a job's stdout is its output, so CDS says nothing there.
  local quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"
  if [ -f "$archive" ]; then
    TTO_CDS_FLAGS="-XX:SharedArchiveFile=$archive $quiet"
  elif [ -z "$dumping" ]; then
    TTO_CDS_FLAGS="-XX:ArchiveClassesAtExit=$dir/tto-$key.jsa.$$.tmp $quiet" # $$ is the JVM's pid after exec
  fi
}

# tto_cds_valid ARCHIVE CLASSPATH: does a JVM start with this archive mapped and its checksums intact? An archive
# of a run that stopped early (a usage error) holds few classes and is not worth keeping either: under 32 MB it is
# dropped and a later run writes a new one (a Spark job's archive is about 170 MB). TTO_CDS_MIN_BYTES overrides the
# 32 MB (tests archive a one-class program).
tto_cds_valid() {
  local size
  size="$(stat -c %s "$1" 2> /dev/null || echo 0)"
  [ "$size" -ge "${TTO_CDS_MIN_BYTES:-33554432}" ] || return 1
  java -Xshare:on -XX:SharedArchiveFile="$1" -XX:+VerifySharedSpaces -XX:ErrorFile=/dev/null \
    -XX:-CreateCoredumpOnCrash -Xlog:disable -cp "$2" -version > /dev/null 2>&1
}

# tto_cds_warm SCRATCH_DIR: for benchmarks that time whole scripts/tto commands — makes sure this build's archive
# exists before anything is timed (otherwise the first timed run would write it), by running a one-line query
# against an empty lake in SCRATCH_DIR: the first such run writes the archive, the second checks and adopts it.
tto_cds_warm() {
  local attempt f
  [ "${TTO_CDS:-on}" != "off" ] || return 0
  for attempt in 1 2 3; do
    for f in jobs/target/cds/tto-*.jsa; do
      if [ -f "$f" ] && [ ! jobs/target/tt-outcomes-jobs.jar -nt "$f" ]; then
        return 0
      fi
    done
    [ "$attempt" -lt 3 ] || break
    scripts/tto sql --lake "$1" -e "SELECT 1" > /dev/null 2>&1 || true
  done
  echo "tto: no class-data archive after two runs; timings include class loading (see scripts/lib/cds.sh)" >&2
}

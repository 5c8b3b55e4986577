# Class-data sharing for the driver JVM of scripts/tto (sourced; sets TTO_CDS_FLAGS).
#
# Why: a Spark job loads some 20,000 classes before it reads a row. Parsing and verifying them costs about 3 s of
# every command on a 2-core machine (Spark start 3.3 s -> 1.7 s, a 2M-row `tto lmm` 12.0 s -> 8.7 s; see
# docs/BENCHMARKS.md, "Mixed-model engine"). Java 17 can map classes that an earlier run loaded from an archive
# instead (AppCDS, a "dynamic archive"): https://docs.oracle.com/en/java/javase/17/vm/class-data-sharing.html
#
# How: the first run after a build has no archive yet, so before its job starts it runs a short training job in a
# JVM of its own (Spark in local mode answering `SELECT 1` over an empty lake, 15-25 s, once per build) that
# writes one as it exits (-XX:ArchiveClassesAtExit). The user's job never writes an archive itself: Java 17 can
# crash while writing one at exit (seen here: SIGSEGV in SystemDictionaryShared after a nightly run), which would
# turn a finished job into a failed exit code. A training archive is used only after a separate JVM has mapped it
# with -Xshare:on and checked its checksums (-XX:+VerifySharedSpaces): a truncated archive makes the JVM abort at
# start, so it is never used unchecked. An archive belongs to one JDK and one classpath (both are in its name) and
# is dropped when the application jar is rebuilt; if training fails, a marker stops every later run of the same
# build from trying again. Archives live in jobs/target/cds (mvn clean removes them). TTO_CDS=off turns all of
# this off.

# tto_cds_setup DIR CLASSPATH APP_JAR TRAIN: sets TTO_CDS_FLAGS to the JVM options of this run, first training an
# archive when this build has none: TRAIN is a command that runs the training JVM with the options it is given
# (output discarded), only when needed.
tto_cds_setup() {
  local dir="$1" classpath="$2" app_jar="$3" train="$4"
  TTO_CDS_FLAGS=""
  [ "${TTO_CDS:-on}" != "off" ] || return 0
  local java_bin key archive failed tmp pid f
  java_bin="$(readlink -f "$(command -v java)")" || return 0
  key="$(printf '%s\n%s\n' "$java_bin" "$classpath" | sha1sum | cut -c1-16)"
  archive="$dir/tto-$key.jsa"
  failed="$dir/tto-$key.failed"
  mkdir -p "$dir" 2> /dev/null || return 0
  # An archive (or a failed training) older than the application jar is about classes that have since changed.
  for f in "$archive" "$failed"; do
    if [ -f "$f" ] && [ "$app_jar" -nt "$f" ]; then
      rm -f "$f"
    fi
  done
  # Training archives of runs that were killed while training.
  for tmp in "$dir"/tto-"$key".jsa.*.tmp; do
    [ -e "$tmp" ] || continue
    pid="${tmp%.tmp}"
    pid="${pid##*.}"
    kill -0 "$pid" 2> /dev/null || rm -f "$tmp"
  done
  if [ ! -f "$archive" ] && [ ! -f "$failed" ]; then
    tmp="$dir/tto-$key.jsa.$$.tmp"
    echo "tto: first run of this build: writing a class-data archive so that later runs start faster (once," \
      "15-25 s; TTO_CDS=off skips it)" >&2
    "$train" -XX:ArchiveClassesAtExit="$tmp" -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash \
      -Xlog:cds=off -Xlog:cds+dynamic=off > /dev/null 2>&1 < /dev/null || true
    if tto_cds_valid "$tmp" "$classpath"; then
      mv -f "$tmp" "$archive"
    else
      rm -f "$tmp"
      echo "training wrote no usable archive; runs of this build go on without class-data sharing" > "$failed"
      echo "tto: no class-data archive could be written (see scripts/lib/cds.sh); going on without it" >&2
    fi
  fi
  if [ -f "$archive" ]; then
    # Unified logging writes to stdout by default; a job's stdout is its output, so CDS says nothing there.
    TTO_CDS_FLAGS="-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

# tto_cds_valid ARCHIVE CLASSPATH: does a JVM start with this archive mapped and its checksums intact? An archive
# holding few classes is not worth keeping either: under 32 MB it counts as failed (a Spark job's archive is about
# 170 MB). TTO_CDS_MIN_BYTES overrides the 32 MB (tests archive a one-class program).
tto_cds_valid() {
  local size
  size="$(stat -c %s "$1" 2> /dev/null || echo 0)"
  [ "$size" -ge "${TTO_CDS_MIN_BYTES:-33554432}" ] || return 1
  java -Xshare:on -XX:SharedArchiveFile="$1" -XX:+VerifySharedSpaces -XX:ErrorFile=/dev/null \
    -XX:-CreateCoredumpOnCrash -Xlog:disable -cp "$2" -version > /dev/null 2>&1
}

# tto_cds_warm: for benchmarks that time whole scripts/tto commands — makes sure this build's archive exists before
# anything is timed (otherwise the first timed run would include the training), by running scripts/tto once (a
# one-line query against an empty scratch lake).
tto_cds_warm() {
  [ "${TTO_CDS:-on}" != "off" ] || return 0
  local scratch f
  scratch="$(mktemp -d)"
  scripts/tto sql --lake "$scratch" -e "SELECT 1" > /dev/null 2>&1 || true
  rm -rf "$scratch"
  for f in jobs/target/cds/tto-*.jsa; do
    if [ -f "$f" ] && [ ! jobs/target/tt-outcomes-jobs.jar -nt "$f" ]; then
      return 0
    fi
  done
  echo "tto: no class-data archive for this build; timings include class loading (see scripts/lib/cds.sh)" >&2
}

# JVM options Spark 4.1 needs on Java 17 (the same list as spark.jvm.opens in the parent pom, which surefire uses);
# sourced by scripts/tto and the test harness.
TTO_JVM_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false \
-Dio.netty.tryReflectionSetAccessible=true"

# tto_gc_opts MASTER: the garbage-collector option for a JVM that runs Spark work under MASTER; TTO_GC (parallel |
# g1) overrides. A batch job wants throughput, not short pauses: under a local master, where one JVM runs every
# task, the parallel collector's cheaper write barriers and young collections cut the national year's derive by
# about a tenth of its time against G1 (docs/BENCHMARKS.md); its longest pause there, with an 8 GB heap, was
# 0.73 s. Other masters keep the JVM's default (G1) for the driver.
tto_gc_opts() {
  case "${TTO_GC:-}" in
    parallel) echo "-XX:+UseParallelGC" ;;
    g1) echo "-XX:+UseG1GC" ;;
    "") case "$1" in local*) echo "-XX:+UseParallelGC" ;; *) echo "" ;; esac ;;
    *) echo "tto: TTO_GC must be parallel or g1, not $TTO_GC" >&2; return 2 ;;
  esac
}

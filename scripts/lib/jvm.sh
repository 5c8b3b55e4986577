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

# JIT thresholds of the driver JVM scripts/tto starts (in local mode it also runs every task). HotSpot's C2
# compiler thread spent 9.2 of the 21.6 CPU seconds of a 2M-row `tto lmm` (-XX:+CITime) on a 2-core machine,
# taking a core from the tasks to optimise code that runs a few thousand times in start-up and planning. Raising
# the C2 thresholds tenfold leaves such code to C1 while per-row code (called millions of times, or looping past
# the unchanged back-edge threshold) still reaches C2. Alternating runs on 2 cores (2026-11-22): 2M rows 11-15%
# less CPU (C2 compiled 841 methods instead of 1,470), 20M rows the same CPU. C1 alone (-XX:TieredStopAtLevel=1)
# saved more at 2M rows but cost 25% more CPU at 20M. Set TTO_JVM_JIT="" for HotSpot's defaults.
TTO_JVM_JIT="${TTO_JVM_JIT--XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 \
-XX:Tier4CompileThreshold=150000}"

package uk.nhs.tto.testing;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import uk.nhs.tto.lake.Sessions;

/**
 * Gives tests one SparkSession shared by every test class in the JVM (Spark start-up costs seconds;
 * sharing it is what keeps the suite fast). Declare {@code @ExtendWith(SparkExtension.class)} and take a
 * {@link SparkSession} parameter in a constructor, {@code @BeforeAll} or test method. The session is
 * stopped by a JVM shutdown hook, after the last test.
 *
 * <p>After each top-level test class, the session forgets what that class cached (Datasets and Delta table states):
 * the suite runs in one JVM with a 1 GB heap, and what one class cached for its lakes, which are gone by then,
 * otherwise stays reachable to the end and leaves later classes to run in constant full collections.
 */
public final class SparkExtension implements ParameterResolver, AfterAllCallback {

  private static SparkSession session;

  /** The shared session, created on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session = Sessions.forTests();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
    }
    return session;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return session();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    boolean topLevel = context.getTestClass().map(c -> c.getEnclosingClass() == null).orElse(true);
    if (topLevel) {
      forgetCaches();
    }
  }

  /**
   * Makes the shared session forget cached Datasets and Delta table states (see the class comment); also for a test
   * that works through many lakes in turn, such as a benchmark's replicates.
   */
  public static void forgetCaches() {
    synchronized (SparkExtension.class) {
      if (session != null) {
        session.catalog().clearCache();
        DeltaLog.clearCache();
      }
    }
  }
}

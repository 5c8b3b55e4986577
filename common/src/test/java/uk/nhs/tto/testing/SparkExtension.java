package uk.nhs.tto.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import uk.nhs.tto.lake.Sessions;

/**
 * Gives tests one SparkSession shared by every test class in the JVM (Spark start-up costs seconds;
 * sharing it is what keeps the suite fast). Declare {@code @ExtendWith(SparkExtension.class)} and take a
 * {@link SparkSession} parameter in a constructor, {@code @BeforeAll} or test method. The session is
 * stopped by a JVM shutdown hook, after the last test.
 */
public final class SparkExtension implements ParameterResolver {

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
}

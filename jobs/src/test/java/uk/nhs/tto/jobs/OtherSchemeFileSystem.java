package uk.nhs.tto.jobs;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code testfs:}: a lake that is not a local path (as an s3a:// lake is not) for
 * tests that need no object store. Registered by {@code spark.hadoop.fs.testfs.impl}.
 */
public class OtherSchemeFileSystem extends RawLocalFileSystem {

  @Override
  public URI getUri() {
    return URI.create("testfs:///");
  }

  @Override
  public String getScheme() {
    return "testfs";
  }
}

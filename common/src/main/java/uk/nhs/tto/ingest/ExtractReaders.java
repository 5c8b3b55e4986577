package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Opens an extract file with the reader for its format. */
final class ExtractReaders {

  private ExtractReaders() {}

  static RecordReader open(ExtractFile file, Configuration conf) throws IOException, FileRefusal {
    Path path = new Path(file.path());
    if (file.format() == ExtractFile.Format.PARQUET) {
      if (file.size() == 0) {
        throw new FileRefusal(
            file.relativePath() + " is empty (0 bytes): an extract file has at least its columns; deliver the"
                + " file again");
      }
      return new ParquetRecordReader(file.relativePath(), path, conf);
    }
    InputStream in = path.getFileSystem(conf).open(path);
    try {
      return new CsvRecordReader(file.relativePath(), in);
    } catch (IOException | FileRefusal | RuntimeException e) {
      in.close();
      throw e;
    }
  }
}

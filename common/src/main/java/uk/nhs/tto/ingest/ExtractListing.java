package uk.nhs.tto.ingest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import uk.nhs.tto.errors.TtoException;

/**
 * Lists the files under an extracts root ({@code <root>/<OrgID_Provider>/<Unique_MonthID>/<Table>.csv|.parquet},
 * local or {@code s3a://}) through Hadoop's FileSystem, and says for each whether its place makes it an extract
 * file. Every file is listed, misplaced or not, so none is silently ignored; the one exception is Hadoop's
 * hidden-file convention (a name starting with {@code .} or {@code _}, e.g. {@code _SUCCESS}, {@code .crc}),
 * which Spark's own readers also skip.
 */
final class ExtractListing {

  /** ODS provider codes are 3–5 letters or digits; a little slack for local and test codes. */
  private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9]{3,10}");

  private static final Pattern MONTH = Pattern.compile("[0-9]{1,9}");

  private static final String TABLES =
      Arrays.stream(IdsTable.values()).map(IdsTable::fileStem).collect(Collectors.joining(", "));

  private ExtractListing() {}

  /** Every non-hidden file below {@code root}, in path order. */
  static List<ExtractFile> list(String root, Configuration conf) {
    Path rootPath = new Path(root);
    try {
      FileSystem fs = rootPath.getFileSystem(conf);
      Path qualified = fs.makeQualified(rootPath);
      if (!fs.exists(qualified) || !fs.getFileStatus(qualified).isDirectory()) {
        throw TtoException.of(
            "Extracts folder " + root + " does not exist or is not a folder",
            "ingest reads <extracts>/<OrgID_Provider>/<Unique_MonthID>/<Table>.csv|.parquet below it",
            "check --extracts (or tto.extracts), e.g. scripts/tto ingest --extracts extracts/");
      }
      String prefix = withSlash(qualified.toUri().getPath());
      List<ExtractFile> files = new ArrayList<>();
      for (FileStatus status : filesBelow(fs, qualified)) {
        String full = status.getPath().toUri().getPath();
        String relative = full.startsWith(prefix) ? full.substring(prefix.length()) : status.getPath().getName();
        if (!isHidden(relative) && !isRootMetadata(relative)) {
          files.add(classify(status.getPath().toString(), relative, status.getLen()));
        }
      }
      files.sort(Comparator.comparing(ExtractFile::relativePath));
      return files;
    } catch (FileNotFoundException e) {
      throw TtoException.of(
          "Extracts folder " + root + " disappeared while it was listed", e.getMessage(), "re-run ingest", e);
    } catch (IOException e) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          "Cannot list extracts folder " + root,
          e.toString(),
          "check the path, its permissions or the s3a credentials, then re-run ingest");
    }
  }

  /**
   * Every file below {@code dir}, at any depth. An object store (s3a) lists a whole prefix in a few flat requests
   * ({@link FileSystem#listFiles}); on the local file system that same call turns each file's status into a located
   * one, which starts an external {@code stat} process per file to read its permissions (45 s for a national
   * year's 12,600 files), so there the folders are walked instead and permissions never read.
   */
  private static List<FileStatus> filesBelow(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    if (!"file".equals(fs.getScheme())) {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
      while (it.hasNext()) {
        files.add(it.next());
      }
      return files;
    }
    Deque<Path> folders = new ArrayDeque<>(List.of(dir));
    while (!folders.isEmpty()) {
      for (FileStatus status : fs.listStatus(folders.pop())) {
        if (status.isDirectory()) {
          folders.push(status.getPath());
        } else {
          files.add(status);
        }
      }
    }
    return files;
  }

  /** What a file's place below the root says about it. */
  static ExtractFile classify(String path, String relative, long size) {
    String[] parts = relative.split("/");
    String name = parts[parts.length - 1];
    IdsTable table = IdsTable.forFileName(name).orElse(null);
    ExtractFile.Format format = ExtractFile.Format.forFileName(name);
    String service = parts.length == 3 && PROVIDER.matcher(parts[0]).matches() ? parts[0] : null;
    Integer month = parts.length == 3 && MONTH.matcher(parts[1]).matches() ? Integer.valueOf(parts[1]) : null;
    String problem = null;
    if (parts.length != 3) {
      problem =
          relative
              + " is not inside an <OrgID_Provider>/<Unique_MonthID> folder of the extracts root; move it to"
              + " <extracts>/<OrgID_Provider>/<Unique_MonthID>/" + name + " or out of the extracts root";
    } else if (service == null) {
      problem =
          relative
              + ": folder '" + parts[0] + "' is not an OrgID_Provider (3 to 10 letters or digits); move the file"
              + " to the folder of its provider code";
    } else if (month == null) {
      problem =
          relative
              + ": folder '" + parts[1] + "' is not a Unique_MonthID (a whole number such as 1489); move the"
              + " file to the folder of its submission month";
    } else if (table == null || format == null) {
      problem =
          relative
              + " is not an IDS table file: extract files are named <Table>.csv or <Table>.parquet with Table one"
              + " of " + TABLES + "; rename it or move it out of the extracts root";
    }
    return new ExtractFile(path, relative, size, table, format, service, month, problem);
  }

  /**
   * A file directly in the extracts root that is not named like an IDS table is delivery metadata (a manifest, or
   * the generator's cohorts.csv and generator.json), not an extract file: it is not ingested and not refused. A
   * root-level file named like a table is misplaced data and is refused like any other misplaced file.
   */
  static boolean isRootMetadata(String relative) {
    return relative.indexOf('/') < 0 && IdsTable.forFileName(relative).isEmpty();
  }

  private static boolean isHidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static String withSlash(String s) {
    return s.endsWith("/") ? s : s + "/";
  }
}

package org.example.trainer4j.csv;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CSV file with a header that grows. Rows are appended; when a row brings a key the header lacks,
 * the file is rewritten once (old rows padded with empty cells) into a temporary file that atomically
 * replaces it, so any reader sees one header and rows as wide as it. Only the header is kept in memory:
 * a rewrite streams the old file, so memory stays flat however long the run.
 *
 * <p>Used by the writer thread only.
 */
final class MetricsCsvFile implements AutoCloseable {
  static final String STEP = "step";
  static final String EPOCH = "epoch";

  private final Path path;
  private final Path temporary;
  private final Set<String> columns = new LinkedHashSet<>(List.of(STEP, EPOCH));
  private Writer out;

  MetricsCsvFile(Path path) {
    this.path = path;
    this.temporary = path.resolveSibling(path.getFileName() + ".tmp");
  }

  /**
   * Starts the file for a run: a new run ({@code resumedStep} 0) replaces any old file; a resumed run
   * keeps the rows up to the step it resumes from, since the rows after it will be logged again.
   */
  void start(int resumedStep) throws IOException {
    close();
    Files.createDirectories(path.toAbsolutePath().getParent());
    columns.retainAll(Set.of(STEP, EPOCH));
    if (resumedStep == 0 || !Files.isRegularFile(path)) {
      Files.deleteIfExists(path);
      return;
    }
    rewrite(resumedStep);
  }

  /** Appends a row, first widening the header if the row has new keys. */
  void append(CsvRow row) throws IOException {
    List<String> added = row.values().keySet().stream().filter(k -> !columns.contains(k)).toList();
    if (!added.isEmpty()) {
      columns.addAll(added);
      if (Files.isRegularFile(path)) {
        rewrite(Integer.MAX_VALUE);
      }
    }
    writer().write(Csv.line(cells(row)));
  }

  /** Hands what was written to the operating system. */
  void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  private List<String> cells(CsvRow row) {
    List<String> cells = new ArrayList<>(columns.size());
    for (String column : columns) {
      if (column.equals(STEP)) {
        cells.add(Integer.toString(row.step()));
      } else if (column.equals(EPOCH)) {
        cells.add(row.epoch().map(Csv::cell).orElse(""));
      } else {
        Object value = row.values().get(column);
        cells.add(value == null ? "" : Csv.cell(value));
      }
    }
    return cells;
  }

  /** A new file when there is none (header first), else the open one in append mode. */
  private Writer writer() throws IOException {
    if (out == null) {
      boolean fresh = !Files.isRegularFile(path) || Files.size(path) == 0;
      out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (fresh) {
        out.write(header());
      }
    }
    return out;
  }

  private String header() {
    return Csv.line(columns.stream().map(Csv::quote).toList());
  }

  /**
   * Copies the rows up to {@code lastStep} under the current header (the old header's columns are a
   * prefix of it, or are merged in first when resuming), then replaces the file atomically.
   */
  private void rewrite(int lastStep) throws IOException {
    close();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      List<String> oldHeader = Csv.readRecord(in).orElse(List.of(STEP, EPOCH));
      columns.addAll(oldHeader);
      int[] source = columns.stream().mapToInt(oldHeader::indexOf).toArray();
      try (BufferedWriter copy = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        copy.write(header());
        Optional<List<String>> record;
        while ((record = Csv.readRecord(in)).isPresent()) {
          List<String> cells = record.get();
          if (step(cells) > lastStep) {
            continue;
          }
          List<String> widened = new ArrayList<>(source.length);
          for (int at : source) {
            widened.add(at >= 0 && at < cells.size() ? Csv.quote(cells.get(at)) : "");
          }
          copy.write(Csv.line(widened));
        }
      }
    }
    try {
      Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The step of a row read back (the first cell); a row that has none is kept. */
  private static int step(List<String> cells) {
    try {
      return Integer.parseInt(cells.get(0));
    } catch (NumberFormatException e) {
      return Integer.MIN_VALUE;
    }
  }
}

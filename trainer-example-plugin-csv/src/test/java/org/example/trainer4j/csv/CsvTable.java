package org.example.trainer4j.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** metrics.csv read back as a reader would: the header, then rows of cells, every row as wide as the header. */
record CsvTable(List<String> header, List<List<String>> rows) {
  static CsvTable read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> header = Csv.readRecord(in).orElseThrow();
      List<List<String>> rows = new ArrayList<>();
      Optional<List<String>> record;
      while ((record = Csv.readRecord(in)).isPresent()) {
        if (record.get().size() != header.size()) {
          throw new AssertionError("row " + rows.size() + " has " + record.get().size() + " cells, the header "
              + header.size() + ": " + record.get());
        }
        rows.add(record.get());
      }
      return new CsvTable(header, rows);
    }
  }

  /** The cells of one column, top to bottom. */
  List<String> column(String name) {
    int at = header.indexOf(name);
    if (at < 0) {
      throw new AssertionError("no column " + name + " in " + header);
    }
    return rows.stream().map(r -> r.get(at)).toList();
  }
}

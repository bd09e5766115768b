package org.trainer4j.transformers.text;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.trainer4j.transformers.JsonFiles;

/**
 * Reads labelled text from JSON-lines and CSV files into memory, as HF's {@code load_dataset("json" | "csv")}
 * does for small files. Every bad row is an error that names the file, the row and the column.
 */
public final class TextDatasets {
  private TextDatasets() {}

  /**
   * One example per non-blank line, each line a JSON object holding the columns; labels are class ids (numbers)
   * or, with {@code label2id}, label names.
   *
   * @throws IllegalArgumentException for a line that is not a JSON object, a missing or non-text text column, or a
   *     label that {@code label2id} does not know
   */
  public static List<TextExample> readJsonLines(Path file, TextColumns columns) {
    List<TextExample> examples = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String where = "line " + number + " of " + file;
        JsonNode row;
        try {
          row = JsonFiles.mapper().readTree(line);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(where + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (row == null || !row.isObject()) {
          throw new IllegalArgumentException(where + " is not a JSON object");
        }
        examples.add(example(columns, where, name -> {
          JsonNode v = row.get(name);
          if (v == null || v.isNull()) {
            return Optional.empty();
          }
          if (!v.isValueNode()) {
            throw new IllegalArgumentException(where + ": column '" + name + "' holds " + v.getNodeType()
                + ", not a text or number");
          }
          return Optional.of(new Cell(v.asText(), v.isIntegralNumber()));
        }));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return examples;
  }

  /**
   * One example per record of a CSV file whose first record names the columns (RFC 4180: fields with commas,
   * quotes or line breaks are quoted, quotes doubled).
   *
   * @throws IllegalArgumentException for a missing column, a record with the wrong number of fields, or a label
   *     that {@code label2id} does not know
   */
  public static List<TextExample> readCsv(Path file, TextColumns columns) {
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
        .enable(CsvParser.Feature.FAIL_ON_MISSING_HEADER_COLUMNS);
    CsvSchema schema = CsvSchema.emptySchema().withHeader().withStrictHeaders(false);
    List<TextExample> examples = new ArrayList<>();
    try (MappingIterator<Map<String, String>> rows =
        mapper.readerForMapOf(String.class).with(schema).readValues(file.toFile())) {
      for (int record = 1; ; record++) {
        Optional<Map<String, String>> row = nextRecord(rows, file, record);
        if (row.isEmpty()) {
          break;
        }
        String where = "record " + record + " (after the header) of " + file;
        examples.add(example(columns, where, name -> Optional.ofNullable(row.get().get(name)).map(v -> new Cell(v, false))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return examples;
  }

  private static Optional<Map<String, String>> nextRecord(MappingIterator<Map<String, String>> rows, Path file,
      int record) {
    try {
      return rows.hasNextValue() ? Optional.of(rows.nextValue()) : Optional.empty();
    } catch (IOException e) {
      String detail = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("record " + record + " (after the header) of " + file + " is not valid CSV: "
          + detail, e);
    }
  }

  /** A value read from a row: its text, and whether it was a whole JSON number. */
  private record Cell(String text, boolean isNumber) {}

  private interface Row {
    Optional<Cell> get(String column);
  }

  private static TextExample example(TextColumns columns, String where, Row row) {
    String text = required(row, columns.text(), where).text();
    Optional<String> pair = columns.textPair().map(c -> required(row, c, where).text());
    OptionalInt label = OptionalInt.empty();
    if (columns.label().isPresent()) {
      Cell cell = required(row, columns.label().get(), where);
      label = columns.classId(cell.text(), cell.isNumber(), where);
    }
    return new TextExample(text, pair, label);
  }

  private static Cell required(Row row, String column, String where) {
    return row.get(column).orElseThrow(() -> new IllegalArgumentException(where + " has no column '" + column + "'"));
  }
}

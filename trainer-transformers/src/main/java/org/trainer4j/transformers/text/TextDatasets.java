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
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.ExampleSource;
import org.trainer4j.core.data.StreamingDataset;
import org.trainer4j.transformers.JsonFiles;

/**
 * Reads labelled text from JSON-lines and CSV files: into memory, as HF's {@code load_dataset("json" | "csv")} does
 * for small files, or as a {@link StreamingDataset} read lazily once per epoch (HF's {@code streaming=True}) for
 * large ones. Every bad row is an error that names the file, the row and the column.
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
    return readAll(file, () -> jsonLines(file, columns));
  }

  /**
   * One example per record of a CSV file whose first record names the columns (RFC 4180: fields with commas,
   * quotes or line breaks are quoted, quotes doubled).
   *
   * @throws IllegalArgumentException for a missing column, a record with the wrong number of fields, or a label
   *     that {@code label2id} does not know
   */
  public static List<TextExample> readCsv(Path file, TextColumns columns) {
    return readAll(file, () -> csv(file, columns));
  }

  /**
   * The examples of {@link #readJsonLines}, read lazily: the file is opened at the start of each epoch and read
   * as training consumes the examples, so memory does not grow with its size. A bad line stops training with the
   * same error, when it is reached. {@code collator} batches the examples, e.g. {@link
   * DataCollatorWithPadding#tokenizingWith} to tokenize each batch as it is made. Training on it needs {@code
   * max_steps} (docs/DATA.md).
   *
   * @throws IllegalArgumentException when the file does not exist
   */
  public static StreamingDataset<TextExample> streamJsonLines(Path file, TextColumns columns,
      DataCollator<TextExample> collator) {
    return StreamingDataset.of(source(file, () -> jsonLines(file, columns)), collator);
  }

  /** The examples of {@link #readCsv}, read lazily as {@link #streamJsonLines} reads its file. */
  public static StreamingDataset<TextExample> streamCsv(Path file, TextColumns columns,
      DataCollator<TextExample> collator) {
    return StreamingDataset.of(source(file, () -> csv(file, columns)), collator);
  }

  private static ExampleSource<TextExample> source(Path file, ExampleSource<TextExample> open) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no text dataset at " + file + ": give the path of a file");
    }
    return open;
  }

  /** Every example of {@code open}'s stream, in a list. */
  static <T> List<T> readAll(Path file, ExampleSource<T> open) {
    try (Stream<T> examples = open.open()) {
      return examples.collect(Collectors.toCollection(ArrayList::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The examples of a JSON-lines file as a lazy stream that closes the file when it is closed. */
  private static Stream<TextExample> jsonLines(Path file, TextColumns columns) throws IOException {
    return jsonObjects(file, (row, where) -> jsonExample(columns, row, where));
  }

  /**
   * Each non-blank line of a JSON-lines file as a JSON object, turned into a row by {@code toRow} (given the object
   * and where it is, e.g. "line 3 of data.jsonl"), as a lazy stream that closes the file when it is closed.
   *
   * @throws IllegalArgumentException naming the line when it is not a JSON object
   */
  static <T> Stream<T> jsonObjects(Path file, BiFunction<JsonNode, String, T> toRow) throws IOException {
    BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    return numbered(number -> readLine(reader, file, number)).filter(line -> !line.value().isBlank())
        .map(line -> {
          String where = "line " + line.number() + " of " + file;
          return toRow.apply(jsonObject(line.value(), where), where);
        }).onClose(() -> close(reader, file));
  }

  private static JsonNode jsonObject(String line, String where) {
    JsonNode row;
    try {
      row = JsonFiles.mapper().readTree(line);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(where + " is not JSON: " + e.getOriginalMessage(), e);
    }
    if (row == null || !row.isObject()) {
      throw new IllegalArgumentException(where + " is not a JSON object");
    }
    return row;
  }

  /** The examples of a CSV file as a lazy stream that closes the file when it is closed. */
  private static Stream<TextExample> csv(Path file, TextColumns columns) throws IOException {
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
        .enable(CsvParser.Feature.FAIL_ON_MISSING_HEADER_COLUMNS);
    CsvSchema schema = CsvSchema.emptySchema().withHeader().withStrictHeaders(false);
    MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class).with(schema)
        .readValues(file.toFile());
    return numbered(record -> nextRecord(rows, file, record)).map(row -> {
      String where = "record " + row.number() + " (after the header) of " + file;
      return example(columns, where, name -> Optional.ofNullable(row.value().get(name)).map(v -> new Cell(v, false)));
    }).onClose(() -> close(rows, file));
  }

  /** A line or record and its number, from 1. */
  private record Numbered<T>(int number, T value) {}

  /** {@code next.apply(1)}, {@code next.apply(2)}, ... until one is empty, read one at a time. */
  private static <T> Stream<Numbered<T>> numbered(IntFunction<Optional<T>> next) {
    return IntStream.iterate(1, n -> n + 1).mapToObj(n -> next.apply(n).map(v -> new Numbered<>(n, v)))
        .takeWhile(Optional::isPresent).map(Optional::get);
  }

  private static Optional<String> readLine(BufferedReader reader, Path file, int number) {
    try {
      return Optional.ofNullable(reader.readLine());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read line " + number + " of " + file, e);
    }
  }

  private static TextExample jsonExample(TextColumns columns, JsonNode row, String where) {
    return example(columns, where, name -> {
      JsonNode v = row.get(name);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (v.isArray() && columns.multiLabel() && columns.label().equals(Optional.of(name))) {
        return Optional.of(new Cell(v.toString(), false)); // a multi-label list, as JSON text
      }
      if (!v.isValueNode()) {
        throw new IllegalArgumentException(where + ": column '" + name + "' holds " + v.getNodeType()
            + ", not a text or number");
      }
      return Optional.of(new Cell(v.asText(), v.isIntegralNumber()));
    });
  }

  private static void close(java.io.Closeable file, Path path) {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + path, e);
    }
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
    float[] scores = new float[0];
    if (columns.label().isPresent()) {
      Cell cell = required(row, columns.label().get(), where);
      if (columns.regression()) {
        scores = columns.score(cell.text(), where);
      } else if (columns.multiLabel()) {
        scores = columns.multiHot(cell.text(), where);
      } else {
        label = columns.classId(cell.text(), cell.isNumber(), where);
      }
    }
    return new TextExample(text, pair, label, scores);
  }

  private static Cell required(Row row, String column, String where) {
    return row.get(column).orElseThrow(() -> new IllegalArgumentException(where + " has no column '" + column + "'"));
  }
}

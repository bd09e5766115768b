package org.trainer4j.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.trainer4j.core.json.PyJson;

/**
 * Where a {@link StreamingDataset} reads its examples: a fresh, lazily read {@link Stream} for each epoch,
 * closed when the epoch ends (so a file is read line by line and memory does not grow with its size).
 *
 * @param <T> the example type
 */
@FunctionalInterface
public interface ExampleSource<T> {
  /** The examples from the first, read as they are consumed; the caller closes the stream. */
  Stream<T> open() throws IOException;

  /**
   * A JSON-lines file: one JSON object per line (blank lines skipped), each turned into an example by
   * {@code parse}. A line that is not a JSON object, or that {@code parse} rejects, fails with the file
   * and line number.
   */
  static <T> ExampleSource<T> jsonLines(Path file, Function<Map<String, Object>, T> parse) {
    return () -> lines(file, 0, (text, line) -> {
      Object value;
      try {
        value = PyJson.loads(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + line + " is not JSON: " + e.getMessage(), e);
      }
      if (!(value instanceof Map<?, ?>)) {
        throw new IllegalArgumentException(file + " line " + line + " is not a JSON object: " + text);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) value;
      return parsed(parse, row, file, line);
    });
  }

  /**
   * A CSV file with a header row (RFC 4180: quoted fields may hold commas and doubled quotes, not line
   * breaks): each row as a map from column name to text, turned into an example by {@code parse}.
   */
  static <T> ExampleSource<T> csv(Path file, Function<Map<String, String>, T> parse) {
    return () -> {
      List<String> header;
      try (Stream<String> first = Files.lines(file, StandardCharsets.UTF_8)) {
        header = first.findFirst().map(CsvFields::split)
            .orElseThrow(() -> new IllegalArgumentException(file + " is empty: a CSV source needs a header row"));
      }
      return lines(file, 1, (text, line) -> {
        List<String> fields = CsvFields.split(text);
        if (fields.size() != header.size()) {
          throw new IllegalArgumentException(file + " line " + line + " has " + fields.size() + " fields, the header "
              + header.size());
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
          row.put(header.get(i), fields.get(i));
        }
        return parsed(parse, row, file, line);
      });
    };
  }

  private static <R, T> T parsed(Function<R, T> parse, R row, Path file, long line) {
    try {
      return parse.apply(row);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " line " + line + " cannot be read as an example: " + e, e);
    }
  }

  /** A line of text and its number (from 1) turned into an example. */
  @FunctionalInterface
  interface LineParser<T> {
    T parse(String text, long line);
  }

  private static <T> Stream<T> lines(Path file, int skip, LineParser<T> parser) throws IOException {
    Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8);
    Iterator<String> it = lines.iterator();
    Iterator<T> examples = new Iterator<>() {
      private long line = 0;
      private T next;

      @Override
      public boolean hasNext() {
        while (next == null && it.hasNext()) {
          String text;
          try {
            text = it.next();
          } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + file + " after line " + line, e.getCause());
          }
          line++;
          if (line > skip && !text.isBlank()) {
            next = parser.parse(text, line);
          }
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T out = next;
        next = null;
        return out;
      }
    };
    Iterable<T> iterable = () -> examples;
    return java.util.stream.StreamSupport.stream(iterable.spliterator(), false).onClose(lines::close);
  }

  /** RFC 4180 fields of one line. */
  final class CsvFields {
    private CsvFields() {}

    static List<String> split(String line) {
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else {
          field.append(c);
        }
      }
      fields.add(field.toString());
      return fields;
    }
  }
}

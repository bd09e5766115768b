package org.example.trainer4j.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trainer4j.core.python.PyFloat;

/** RFC 4180 text: formatting cells and lines, and reading records back (quoted commas and newlines included). */
final class Csv {
  private Csv() {}

  /**
   * A value as a cell, as Python's {@code csv} module writes it: floats in Python's {@code repr} form
   * ({@code 1e-05}, {@code nan}, {@code inf}: core's {@link PyFloat#repr}), which pandas and spreadsheets
   * read back as the same value; text quoted when it needs to be. A {@code float} is written with its own
   * shortest digits ({@code 0.1f} as {@code 0.1}).
   */
  static String cell(Object value) {
    if (value instanceof Double d) {
      return PyFloat.repr(d);
    }
    if (value instanceof Float f) {
      return PyFloat.repr(Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f);
    }
    return quote(String.valueOf(value));
  }

  /** Quotes text that holds a comma, a quote, a line break or edge spaces; doubles inner quotes. */
  static String quote(String text) {
    boolean plain = !text.isEmpty() && text.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')
        && text.strip().equals(text);
    return plain || text.isEmpty() ? text : '"' + text.replace("\"", "\"\"") + '"';
  }

  /** One line, with its line feed. */
  static String line(List<String> cells) {
    return String.join(",", cells) + "\n";
  }

  /**
   * Reads the next record, or empty at the end of the input.
   *
   * @throws IOException when reading fails or a quoted field never closes
   */
  static Optional<List<String>> readRecord(Reader in) throws IOException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int c;
    while ((c = in.read()) != -1) {
      any = true;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int next = in.read();
          if (next == '"') {
            field.append('"');
          } else {
            quoted = false;
            if (next != -1) {
              in.reset();
            }
          }
        } else {
          field.append((char) c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        break;
      } else if (c != '\r') {
        field.append((char) c);
      }
    }
    if (quoted) {
      throw new IOException("a quoted field is not closed at the end of the file");
    }
    if (!any) {
      return Optional.empty();
    }
    fields.add(field.toString());
    return Optional.of(fields);
  }
}

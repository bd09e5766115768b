package org.example.trainer4j.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** RFC 4180 text: formatting cells and lines, and reading records back (quoted commas and newlines included). */
final class Csv {
  private Csv() {}

  /**
   * A value as a cell that pandas and spreadsheets read back as the same value: numbers as Java prints
   * them ({@code 1.0E-4} parses everywhere), non-finite numbers as Python writes them ({@code nan},
   * {@code inf}), text quoted when it needs to be.
   */
  static String cell(Object value) {
    if (value instanceof Double d) {
      return number(d);
    }
    if (value instanceof Float f) {
      return Float.isFinite(f) ? Float.toString(f) : number(f.doubleValue());
    }
    return quote(String.valueOf(value));
  }

  private static String number(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.toString(d);
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

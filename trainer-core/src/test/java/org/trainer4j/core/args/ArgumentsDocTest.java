package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the option table of {@code docs/ARGUMENTS.md} equal to what {@code --help} says. When an option
 * changes, this test writes the new table to {@code trainer-core/target/ARGUMENTS-options.md}: paste it
 * between the markers of the document.
 */
class ArgumentsDocTest {
  private static final String BEGIN = "<!-- options:begin (generated from ArgumentParser.help(); ArgumentsDocTest checks it) -->\n";
  private static final String END = "<!-- options:end -->";

  @Test
  void optionTableOfTheDocumentIsTheHelpText() throws IOException {
    Path doc = Path.of("..", "docs", "ARGUMENTS.md");
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "docs/ARGUMENTS.md needs the markers " + BEGIN.strip() + " and " + END);

    String expected = table();
    String actual = text.substring(begin + BEGIN.length(), end);
    if (!expected.equals(actual)) {
      Path out = Path.of("target", "ARGUMENTS-options.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, expected);
      assertEquals(expected, actual, "docs/ARGUMENTS.md is out of date: paste " + out.toAbsolutePath()
          + " between its option markers");
    }
    for (String name : ArgumentParser.optionNames()) {
      assertTrue(actual.contains("| `--" + name + "` |"), name);
    }
  }

  private static String table() {
    StringBuilder out = new StringBuilder("| Option | Type | Default | Meaning |\n|---|---|---|---|\n");
    for (OptionTable.Option o : ArgumentParser.options()) {
      out.append("| `--").append(o.name()).append("` | ").append(o.type()).append(" | `").append(o.defaultText())
          .append("` | ").append(o.description().replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }
}

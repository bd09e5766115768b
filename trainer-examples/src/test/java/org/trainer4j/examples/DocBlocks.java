package org.trainer4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fenced code blocks of a Markdown page, for tests that build or compare what the docs show. */
final class DocBlocks {
  /** A first line {@code // src/...} or {@code # src/...} names the file the block is, in its project. */
  private static final Pattern FILE_NAME = Pattern.compile("^(?://|#) (src/\\S+)\\s*$");

  private DocBlocks() {}

  /**
   * One fenced block.
   *
   * @param page the Markdown file
   * @param line the line of its opening fence (1-based)
   * @param language the word after the fence, or empty
   * @param text the lines between the fences, each ending with a line break
   */
  record Block(Path page, int line, String language, String text) {
    /** The project file the block is, when its first line names one ({@code src/main/java/...}). */
    Optional<String> fileName() {
      Matcher m = FILE_NAME.matcher(text.lines().findFirst().orElse(""));
      return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Where it is, for messages: {@code docs/MODULES.md:46}. */
    String where() {
      return page.getFileName() + ":" + line;
    }
  }

  static List<Block> of(Path page) {
    List<String> lines;
    try {
      lines = Files.readAllLines(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String opening = lines.get(i).strip();
      if (!opening.startsWith("```")) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        text.append(lines.get(j)).append('\n');
        j++;
      }
      if (j == lines.size()) {
        throw new IllegalStateException(page + ":" + (i + 1) + ": a code block is not closed");
      }
      blocks.add(new Block(page, i + 1, opening.substring(3).strip(), text.toString()));
      i = j;
    }
    return blocks;
  }
}

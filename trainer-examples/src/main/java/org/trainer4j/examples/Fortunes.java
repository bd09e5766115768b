package org.trainer4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextExample;

/**
 * The bundled fortunes topic data set (resources fortunes/, made by src/main/python/make_fortunes_dataset.py from
 * Debian's fortune files; see fortunes/LICENSE.md): English quotes and jokes labelled with one of six topics.
 */
final class Fortunes {
  static final List<String> TOPICS = List.of("computers", "food", "law", "love", "science", "sports");
  static final Map<String, Integer> LABEL2ID = IntStream.range(0, TOPICS.size()).boxed()
      .collect(Collectors.toUnmodifiableMap(TOPICS::get, i -> i));

  /** The three splits, in file order. */
  record Splits(List<TextExample> train, List<TextExample> validation, List<TextExample> test) {}

  private Fortunes() {}

  /** Reads the splits (copied out of the class path into {@code scratch}, which also works from a jar). */
  static Splits load(Path scratch) {
    TextColumns columns = TextColumns.builder().text("text").label("label").label2id(LABEL2ID).build();
    return new Splits(TextDatasets.readJsonLines(copy("train.jsonl", scratch), columns),
        TextDatasets.readJsonLines(copy("validation.jsonl", scratch), columns),
        TextDatasets.readJsonLines(copy("test.jsonl", scratch), columns));
  }

  private static Path copy(String name, Path folder) {
    Path target = folder.resolve(name);
    try (InputStream in = Fortunes.class.getResourceAsStream("fortunes/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the fortunes data set is missing from the class path: fortunes/" + name);
      }
      Files.createDirectories(folder);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy fortunes/" + name + " to " + folder, e);
    }
  }
}

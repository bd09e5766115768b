package org.trainer4j.transformers.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A token-classification example as HF's datasets hold it (e.g. CoNLL-2003's {@code tokens} and {@code ner_tags}):
 * the words of a sentence and one class id per word, or no tags (prediction). {@link
 * TextTokenizer#tokenizeWords} turns it into features with one label per token.
 */
public record TaggedWords(List<String> words, int[] tags) {
  public TaggedWords {
    words = List.copyOf(words);
    tags = tags.clone();
    if (words.isEmpty()) {
      throw new IllegalArgumentException("a token-classification example needs at least one word");
    }
    if (tags.length != 0 && tags.length != words.size()) {
      throw new IllegalArgumentException(words.size() + " words need " + words.size() + " tags, got " + tags.length);
    }
  }

  /** Words without tags, for prediction. */
  public static TaggedWords unlabelled(List<String> words) {
    return new TaggedWords(words, new int[0]);
  }

  public boolean hasTags() {
    return tags.length > 0;
  }

  /**
   * The tags aligned to an encoding of these words ({@code wordIds} indexing them, -1 for special tokens): the
   * word's tag on the first token of each word; -100 on special tokens, and on a word's other tokens unless {@code
   * continued} (by the word's tag) gives their label.
   */
  long[] tokenLabels(long[] wordIds, int[] continued) {
    long[] labels = new long[wordIds.length];
    long previous = -1;
    for (int i = 0; i < wordIds.length; i++) {
      long word = wordIds[i];
      if (word < 0) {
        labels[i] = DataCollatorWithPadding.IGNORE_INDEX;
      } else if (word != previous) {
        labels[i] = tags[(int) word];
      } else {
        labels[i] = continued == null ? DataCollatorWithPadding.IGNORE_INDEX : continued[tags[(int) word]];
      }
      previous = word;
    }
    return labels;
  }

  /** HF's {@code b_to_i_label}: by class id, the {@code I-} tag of a {@code B-} tag's type if any, else itself. */
  static int[] insideTags(List<String> tagNames) {
    int[] inside = new int[tagNames.size()];
    for (int id = 0; id < inside.length; id++) {
      String name = tagNames.get(id);
      int i = name.startsWith("B-") ? tagNames.indexOf("I-" + name.substring(2)) : -1;
      inside[id] = i >= 0 ? i : id;
    }
    return inside;
  }

  /**
   * One example per non-blank line, each a JSON object with an array of words ({@code wordsColumn}, e.g. {@code
   * tokens}) and an array of tags ({@code tagsColumn}, e.g. {@code ner_tags}): class ids, or label names that
   * {@code label2id} maps (give an empty map for ids).
   *
   * @throws IllegalArgumentException naming the line for a line that is not such an object, arrays of different
   *     lengths, or a tag {@code label2id} does not know
   */
  public static List<TaggedWords> readJsonLines(Path file, String wordsColumn, String tagsColumn,
      Map<String, Integer> label2id) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no token-classification dataset at " + file + ": give the path of a file");
    }
    return TextDatasets.readAll(file, () -> TextDatasets.jsonObjects(file,
        (row, where) -> parse(row, where, wordsColumn, tagsColumn, label2id)));
  }

  private static TaggedWords parse(JsonNode row, String where, String wordsColumn, String tagsColumn,
      Map<String, Integer> label2id) {
    JsonNode words = row.get(wordsColumn);
    JsonNode tags = row.get(tagsColumn);
    if (words == null || !words.isArray() || tags == null || !tags.isArray()) {
      throw new IllegalArgumentException(where + " needs arrays \"" + wordsColumn + "\" and \"" + tagsColumn + "\"");
    }
    List<String> w = new ArrayList<>();
    words.forEach(n -> w.add(n.asText()));
    int[] t = new int[tags.size()];
    for (int i = 0; i < t.length; i++) {
      JsonNode tag = tags.get(i);
      if (tag.isIntegralNumber()) {
        t[i] = tag.asInt();
      } else {
        Integer id = label2id.get(tag.asText());
        if (id == null) {
          throw new IllegalArgumentException(where + ": tag \"" + tag.asText() + "\" is not in label2id "
              + label2id.keySet());
        }
        t[i] = id;
      }
    }
    try {
      return new TaggedWords(w, t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaggedWords other && words.equals(other.words) && Arrays.equals(tags, other.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(words, Arrays.hashCode(tags));
  }

  @Override
  public String toString() {
    return "TaggedWords" + words + Arrays.toString(tags);
  }
}

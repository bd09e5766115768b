package org.trainer4j.transformers.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;

/** HF's return_overflowing_tokens with a stride (src/test/python/make_overflow_reference.py). */
class TextTokenizerOverflowTest {
  private static final JsonNode REFERENCE = JsonFiles.readObject(TinyBert.dir().resolve("overflow.json"), "reference");

  @Test
  void aLongTextBecomesHfsWindows() {
    try (TextTokenizer tokenizer = TextTokenizer.builder(TinyBert.hfFolder())
        .maxLength(REFERENCE.path("max_length").asInt()).stride(REFERENCE.path("stride").asInt())
        .returnOverflowingTokens(true).build()) {
      List<Encoding> windows = tokenizer.encodeWithOverflow(REFERENCE.path("text").asText());
      assertEquals(REFERENCE.path("input_ids").size(), windows.size(), "windows");
      for (int i = 0; i < windows.size(); i++) {
        assertArrayEquals(TinyBert.longs(REFERENCE.path("input_ids").get(i)), windows.get(i).inputIds(), "window " + i);
        assertArrayEquals(TinyBert.longs(REFERENCE.path("attention_mask").get(i)), windows.get(i).attentionMask());
      }
      // Each window is an example of its own, with the text's label.
      List<Features> features = tokenizer.tokenize(List.of(TextExample.of(REFERENCE.path("text").asText(), 2)));
      assertEquals(windows.size(), features.size());
      features.forEach(f -> assertArrayEquals(new long[] {2}, f.labels()));
    }
  }

  /** Word-split input makes the same windows, with word ids into the words and each window's tags aligned. */
  @Test
  void wordsBecomeTheSameWindowsWithTheirTags() {
    List<String> words = List.of(REFERENCE.path("text").asText().split(" "));
    int[] tags = new int[words.size()];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = i % 3;
    }
    long[] allWordIds;
    try (TextTokenizer whole = TextTokenizer.load(TinyBert.hfFolder())) {
      allWordIds = whole.encodeWords(words).wordIds();
    }
    try (TextTokenizer tokenizer = TextTokenizer.builder(TinyBert.hfFolder())
        .maxLength(REFERENCE.path("max_length").asInt()).stride(REFERENCE.path("stride").asInt())
        .returnOverflowingTokens(true).build()) {
      List<Features> windows = tokenizer.tokenizeWords(List.of(new TaggedWords(words, tags)));
      assertEquals(REFERENCE.path("input_ids").size(), windows.size(), "windows");
      int step = REFERENCE.path("max_length").asInt() - 2 - REFERENCE.path("stride").asInt();
      for (int w = 0; w < windows.size(); w++) {
        Encoding e = windows.get(w).encoding();
        assertArrayEquals(TinyBert.longs(REFERENCE.path("input_ids").get(w)), e.inputIds(), "window " + w);
        long[] labels = windows.get(w).labels();
        for (int t = 1; t < e.length() - 1; t++) { // the content tokens; [CLS] and [SEP] are -100
          long word = e.wordIds()[t];
          assertEquals(allWordIds[1 + w * step + t - 1], word, "word id of token " + t + " of window " + w);
          boolean first = t == 1 || e.wordIds()[t - 1] != word;
          assertEquals(first ? tags[(int) word] : -100, labels[t], "label of token " + t + " of window " + w);
        }
        assertEquals(-100, labels[0]);
        assertEquals(-100, labels[e.length() - 1]);
      }
    }
  }

  @Test
  void overflowingTokensNeedTruncation() {
    assertEquals("return_overflowing_tokens=true needs truncation (a max_length): the overflowing tokens are what"
        + " truncation cuts off", assertThrows(IllegalArgumentException.class,
            () -> TextTokenizer.builder(TinyBert.hfFolder()).returnOverflowingTokens(true).build()).getMessage());
    assertEquals("stride must be 0 or more, got -1", assertThrows(IllegalArgumentException.class,
        () -> TextTokenizer.builder(TinyBert.hfFolder()).stride(-1)).getMessage());
  }
}

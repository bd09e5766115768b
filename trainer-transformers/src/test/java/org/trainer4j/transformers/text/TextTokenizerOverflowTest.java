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

  @Test
  void overflowingTokensNeedTruncation() {
    assertEquals("return_overflowing_tokens=true needs truncation (a max_length): the overflowing tokens are what"
        + " truncation cuts off", assertThrows(IllegalArgumentException.class,
            () -> TextTokenizer.builder(TinyBert.hfFolder()).returnOverflowingTokens(true).build()).getMessage());
    assertEquals("stride must be 0 or more, got -1", assertThrows(IllegalArgumentException.class,
        () -> TextTokenizer.builder(TinyBert.hfFolder()).stride(-1)).getMessage());
  }
}

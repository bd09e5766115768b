package org.trainer4j.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.trainer4j.transformers.text.Encoding;
import org.trainer4j.transformers.text.Features;

/** The synthetic texts of the MiniLM measurements: what the collator and the model get. */
class SyntheticTokensTest {
  private static final SyntheticTokens TEXTS = new SyntheticTokens(4, 9, 101, 102, 1996, 30522, 6);

  @Test
  void textsAreClsWordPiecesSepWithLengthsAndLabelsInRange() {
    List<Features> examples = TEXTS.examples(2000, 42);
    assertEquals(2000, examples.size());
    Set<Integer> lengths = new TreeSet<>();
    Set<Long> labels = new TreeSet<>();
    for (Features f : examples) {
      Encoding e = f.encoding();
      int n = e.length();
      lengths.add(n);
      labels.add(f.labels()[0]);
      assertEquals(Features.LabelKind.SEQUENCE, f.labelKind());
      assertEquals(101, e.inputIds()[0]);
      assertEquals(102, e.inputIds()[n - 1]);
      for (int i = 1; i < n - 1; i++) {
        assertTrue(e.inputIds()[i] >= 1996 && e.inputIds()[i] < 30522, "word piece id " + e.inputIds()[i]);
        assertEquals(i - 1, e.wordIds()[i]);
      }
      assertEquals(-1, e.wordIds()[0]);
      assertEquals(-1, e.wordIds()[n - 1]);
      assertTrue(Arrays.stream(e.attentionMask()).allMatch(v -> v == 1), "no padding before the collator");
      assertTrue(Arrays.stream(e.tokenTypeIds()).allMatch(v -> v == 0), "one text, one token type");
    }
    assertEquals(Set.of(4, 5, 6, 7, 8, 9), lengths, "every length from min to max, none outside");
    assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L), labels);
  }

  @Test
  void theSameSeedGivesTheSameTextsAndAnotherSeedOthers() {
    assertEquals(TEXTS.examples(50, 42), TEXTS.examples(50, 42));
    assertNotEquals(TEXTS.examples(50, 42), TEXTS.examples(50, 43));
  }

  @Test
  void realTokensAreTheLengthsSum() {
    List<Features> examples = TEXTS.examples(10, 1);
    assertEquals(examples.stream().mapToInt(f -> f.encoding().length()).sum(), SyntheticTokens.realTokens(examples));
  }

  @Test
  void impossibleSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SyntheticTokens(1, 9, 101, 102, 1996, 30522, 6));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticTokens(10, 9, 101, 102, 1996, 30522, 6));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticTokens(4, 9, 101, 102, 30522, 30522, 6));
  }
}

package org.trainer4j.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HostArray}: shapes, class reads, and joining batches. */
class HostArrayTest {

  @Test
  void concatJoinsBatchesAlongTheFirstAxis() {
    HostArray first = new HostArray(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3});
    HostArray last = new HostArray(new float[] {7, 8, 9}, new long[] {1, 3});

    HostArray joined = HostArray.concat(List.of(first, last));

    assertEquals(new HostArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {3, 3}), joined);
    assertEquals(3, joined.rows());
    assertEquals(3, joined.rowLength());
  }

  @Test
  void concatOfOneDimensionalAndScalarParts() {
    assertEquals(new HostArray(new float[] {1, 2, 3}, new long[] {3}), HostArray.concat(List.of(
        new HostArray(new float[] {1, 2}, new long[] {2}), new HostArray(new float[] {3}, new long[] {1}))));
    assertEquals(new HostArray(new float[] {0.5f, 0.25f}, new long[] {2}), HostArray.concat(List.of(
        new HostArray(new float[] {0.5f}, new long[0]), new HostArray(new float[] {0.25f}, new long[0]))),
        "scalars (e.g. one loss per batch) become one row each");
    assertEquals(new HostArray(new float[] {1, 2}, new long[] {2}), HostArray.concat(List.of(
        new HostArray(new float[] {1}, new long[0]), new HostArray(new float[] {2}, new long[] {1}))));
    assertEquals(new HostArray(new float[0], new long[] {0}), HostArray.concat(List.of()));
  }

  @Test
  void concatKeepsItsInputsUnchanged() {
    HostArray part = new HostArray(new float[] {1, 2}, new long[] {1, 2});

    HostArray.concat(List.of(part, part));

    assertArrayEquals(new long[] {1, 2}, part.shape());
  }

  @Test
  void concatPadsShorterSequencesWithMinus100AsHfsNestedConcat() {
    HostArray shorter = new HostArray(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3});
    HostArray longer = new HostArray(new float[] {7, 8, 9, 10}, new long[] {1, 4});

    assertEquals(new HostArray(new float[] {1, 2, 3, -100, 4, 5, 6, -100, 7, 8, 9, 10}, new long[] {3, 4}),
        HostArray.concat(List.of(shorter, longer)));
    assertEquals(new HostArray(new float[] {7, 8, 9, 10, 1, 2, 3, -100, 4, 5, 6, -100}, new long[] {3, 4}),
        HostArray.concat(List.of(longer, shorter)), "whichever batch comes first");
  }

  @Test
  void concatPadsTheSecondAxisOfLogitsAndKeepsTheRest() {
    // [batch, sequence, classes]: two tokens of 2 logits, then three tokens.
    HostArray twoTokens = new HostArray(new float[] {1, 2, 3, 4}, new long[] {1, 2, 2});
    HostArray threeTokens = new HostArray(new float[] {5, 6, 7, 8, 9, 10}, new long[] {1, 3, 2});

    assertEquals(new HostArray(new float[] {1, 2, 3, 4, -100, -100, 5, 6, 7, 8, 9, 10}, new long[] {2, 3, 2}),
        HostArray.concat(List.of(twoTokens, threeTokens)));
  }

  @Test
  void concatRefusesPartsThatDifferInRankOrBeyondTheSecondAxis() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostArray.concat(List.of(
        new HostArray(new float[6], new long[] {1, 2, 3}), new HostArray(new float[8], new long[] {1, 2, 4}))));
    assertEquals("cannot join arrays of shapes [1, 2, 3] and [1, 2, 4]: they differ beyond the second axis",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HostArray.concat(List.of(
        new HostArray(new float[6], new long[] {2, 3}), new HostArray(new float[6], new long[] {6}))));
    assertEquals("cannot join arrays of shapes [2, 3] and [6]: they differ in rank", e.getMessage());
  }

  @Test
  void shapeMustMatchTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HostArray(new float[5], new long[] {2, 3}));
    assertEquals("shape [2, 3] holds 6 values, but 5 were given", e.getMessage());
  }

  @Test
  void classReads() {
    HostArray logits = new HostArray(new float[] {0.1f, 0.7f, 0.2f, 5f, 5f, -1f}, new long[] {2, 3});
    assertArrayEquals(new int[] {1, 0}, logits.argmaxRows(), "ties go to the first class, as numpy's argmax");
    assertArrayEquals(new int[] {0, 2, -100, 3}, new HostArray(new float[] {0f, 1.9999f, -100f, 3.2f},
        new long[] {4}).asInts());
    assertEquals(1, new HostArray(new float[] {4f}, new long[0]).rows());
  }
}

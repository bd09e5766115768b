package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A place joined by a scheduler is what TrainingArguments' process properties say, until it is left. */
class DistributedProcessTest {
  private static final TrainingArguments ARGS = TrainingArguments.builder().outputDir("out").build();

  @Test
  void theArgumentsReadTheJoinedPlaceUntilItIsLeft() {
    List<Integer> outside = List.of(ARGS.worldSize(), ARGS.processIndex(), ARGS.localProcessIndex());
    try (DistributedProcess.Membership joined = DistributedProcess.join(new DistributedProcess.Place(3, 4, 1))) {
      assertEquals(List.of(4, 3, 1), List.of(ARGS.worldSize(), ARGS.processIndex(), ARGS.localProcessIndex()));
      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> DistributedProcess.join(new DistributedProcess.Place(0, 2, 0)));
      assertEquals("this JVM is already worker 3 of 4 of a data-parallel job; one worker per JVM (it cannot also be"
          + " worker 0 of 2)", twice.getMessage());
    }
    assertEquals(outside, List.of(ARGS.worldSize(), ARGS.processIndex(), ARGS.localProcessIndex()));
  }

  @Test
  void aPlaceOutsideItsJobIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedProcess.Place(2, 2, 0));
    assertEquals("a process place needs 0 <= rank, local rank < world size, got rank 2, world size 2, local rank 0",
        e.getMessage());
  }
}

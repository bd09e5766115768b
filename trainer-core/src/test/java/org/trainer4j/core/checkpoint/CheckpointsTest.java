package org.trainer4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder moves of saves, second saves, deletions and the recovery after a crash, without training. */
class CheckpointsTest {
  @TempDir Path dir;

  @AfterEach
  void stopListening() {
    Checkpoints.onPhase(phase -> { });
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The folder's entries each time a save reaches {@code phase}. */
  private List<List<String>> entriesAt(Checkpoints.Phase wanted) {
    List<List<String>> seen = new ArrayList<>();
    Checkpoints.onPhase(phase -> {
      if (phase == wanted) {
        try {
          seen.add(entries());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    return seen;
  }

  private static void writeVersion(Path folder, String version) throws IOException {
    Files.writeString(folder.resolve("version.txt"), version);
  }

  @Test
  void aSaveInProgressIsNamedAfterItsStepOnce() throws IOException {
    List<List<String>> seen = entriesAt(Checkpoints.Phase.TEMPORARY_COMPLETE);
    Checkpoints.writeAtomically(dir.resolve("checkpoint-7"), f -> writeVersion(f, "1"));
    assertEquals(1, seen.get(0).size());
    assertTrue(seen.get(0).get(0).startsWith(".tmp-checkpoint-7-"), seen.toString());
    assertEquals(List.of("checkpoint-7"), entries());
  }

  @Test
  void aSecondSaveOfAStepKeepsTheOldOneUntilTheNewOneIsInPlace() throws IOException {
    Path target = dir.resolve("checkpoint-3");
    Checkpoints.writeAtomically(target, f -> writeVersion(f, "old"));
    List<List<String>> atAside = entriesAt(Checkpoints.Phase.OLD_MOVED_ASIDE);
    Checkpoints.writeAtomically(target, f -> writeVersion(f, "new"));
    assertEquals(2, atAside.get(0).size(), "the old folder aside and the complete new one: " + atAside);
    assertTrue(atAside.get(0).stream().anyMatch(n -> n.startsWith(".replaced-checkpoint-3-")), atAside.toString());
    assertEquals(List.of("checkpoint-3"), entries());
    assertEquals("new", Files.readString(target.resolve("version.txt")));
  }

  @Test
  void aSecondSaveThatFailsLeavesTheOldOne() throws IOException {
    Path target = dir.resolve("checkpoint-3");
    Checkpoints.writeAtomically(target, f -> writeVersion(f, "old"));
    Checkpoints.onPhase(phase -> {
      if (phase == Checkpoints.Phase.OLD_MOVED_ASIDE) {
        throw new IllegalStateException("disk gone");
      }
    });
    assertThrows(IllegalStateException.class, () -> Checkpoints.writeAtomically(target, f -> writeVersion(f, "new")));
    assertEquals(List.of("checkpoint-3"), entries());
    assertEquals("old", Files.readString(target.resolve("version.txt")));
  }

  @Test
  void recoveryPutsBackACheckpointWhoseReplacementNeverArrived() throws IOException {
    // What a kill between the two renames of a second save leaves.
    Path replaced = Files.createDirectories(dir.resolve(".replaced-checkpoint-4-123"));
    writeVersion(replaced, "old");
    Files.createDirectories(dir.resolve(".tmp-checkpoint-4-999"));
    Files.createDirectories(dir.resolve(".deleting-checkpoint-2-77"));
    Checkpoints.recoverInterruptedSaves(dir);
    assertEquals(List.of("checkpoint-4"), entries());
    assertEquals("old", Files.readString(dir.resolve("checkpoint-4/version.txt")));
  }

  @Test
  void recoveryDropsTheOldCopyWhenTheNewOneArrived() throws IOException {
    writeVersion(Files.createDirectories(dir.resolve(".replaced-checkpoint-4-123")), "old");
    writeVersion(Files.createDirectories(dir.resolve("checkpoint-4")), "new");
    Checkpoints.recoverInterruptedSaves(dir);
    assertEquals(List.of("checkpoint-4"), entries());
    assertEquals("new", Files.readString(dir.resolve("checkpoint-4/version.txt")));
  }

  @Test
  void anIncompleteCheckpointIsNamedWithWhatItLacks() throws IOException {
    Path c = Files.createDirectories(dir.resolve("checkpoint-5"));
    for (String f : Checkpoints.FULL) {
      Files.writeString(c.resolve(f), "x");
    }
    Files.delete(c.resolve(Checkpoints.LOOP_STATE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoints.requireComplete(c, Checkpoints.FULL, "why"));
    assertEquals("checkpoint " + c + " is incomplete: it has no loop_state.json (why)", e.getMessage());
    Checkpoints.requireComplete(c, Checkpoints.MODEL_ONLY, "a model-only run needs less");
  }

  @Test
  void keepOnlyLeavesTheBest() throws IOException {
    for (int step : new int[] {4, 6, 8}) {
      Files.createDirectories(dir.resolve("checkpoint-" + step));
    }
    Checkpoints.keepOnly(dir, dir.resolve("checkpoint-4"));
    assertEquals(List.of("checkpoint-4"), entries());
    assertFalse(Checkpoints.keepOnly(dir, dir.resolve("checkpoint-9")).size() > 0, "no best folder: nothing goes");
  }
}

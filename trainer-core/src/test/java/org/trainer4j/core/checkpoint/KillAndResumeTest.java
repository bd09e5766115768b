package org.trainer4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.state.TrainerState;

/**
 * Kills a training JVM ({@link ResumeChild}) with SIGKILL at every phase of a save (temporary folder
 * made, files written, old folder moved aside for a second save of a step, renamed, an old checkpoint's
 * deletion begun and half done) and at random moments, resumes each time with {@code train(true)}, and
 * checks after each kill that every checkpoint is complete and none that was saved is lost, and at the
 * end that the run's weights and log history are bit for bit those of a run never interrupted.
 *
 * <p>The soak (not in CI): {@code ./mvnw -B -ntp -pl trainer-core -am verify -Dtest=KillAndResumeTest#soak
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtrainer4j.soak.kills=20} kills a larger model's training 20
 * times at random moments.
 */
class KillAndResumeTest {
  private static final long CHILD_TIMEOUT_SECONDS = 300;

  @TempDir Path dir;

  @Test
  void killsAtEveryPhaseOfASaveAndAtRandomMomentsLoseNothing() throws Exception {
    int maxSteps = 60;
    Path reference = dir.resolve("reference");
    runToEnd(reference, maxSteps, "tiny");

    Path killed = dir.resolve("killed");
    List<String> kills = new ArrayList<>();
    Random random = new Random();
    for (int i = 0; i < 3; i++) {
      kills.add(killAtRandom(killed, maxSteps, "tiny", 1 + random.nextInt(3), random));
    }
    // A second save of a step happens at epoch ends (every 5 steps) that are also save steps (every 2).
    for (String phase : List.of("OLD_MOVED_ASIDE#1", "TEMPORARY_CREATED#2", "TEMPORARY_COMPLETE#2",
        "RENAMED_AFTER_REPLACE#1", "RENAMED#2", "DELETION_STARTED#1", "DELETION_HALF_DONE#1")) {
      kills.add(killAtPhase(killed, maxSteps, "tiny", phase));
    }
    runToEnd(killed, maxSteps, "tiny");
    assertSameRun(reference, killed, kills);
    kills.forEach(k -> System.out.println("killed " + k));
  }

  /**
   * The long version: a 1M-parameter model killed {@code trainer4j.soak.kills} times at random moments
   * (many of them inside saves, which take a good part of its time). Prints what it did.
   */
  @Test
  @EnabledIfSystemProperty(named = "trainer4j.soak.kills", matches = "\\d+")
  void soak() throws Exception {
    int killCount = Integer.getInteger("trainer4j.soak.kills");
    int maxSteps = Integer.getInteger("trainer4j.soak.steps", 120);
    Path reference = dir.resolve("reference");
    long started = System.nanoTime();
    runToEnd(reference, maxSteps, "big");
    long referenceMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int saves = journal(reference).size();

    Path killed = dir.resolve("killed");
    Random random = new Random();
    List<String> kills = new ArrayList<>();
    // Each child completes 2 to `most` + 1 saves before its kill: the kills spread over most of the run.
    int most = Math.max(1, saves / (2 * killCount) - 1);
    for (int i = 0; i < killCount; i++) {
      kills.add(killAtRandom(killed, maxSteps, "big", 1 + random.nextInt(most), random));
    }
    runToEnd(killed, maxSteps, "big");
    assertSameRun(reference, killed, kills);
    System.out.println("soak: " + killCount + " kills of a " + maxSteps + "-step run with " + saves + " saves"
        + " (uninterrupted: " + referenceMillis + " ms); " + kills.stream().filter(k -> k.contains("during"))
        .count() + " landed during a save or deletion; final weights and log history bitwise identical");
    kills.forEach(k -> System.out.println("  " + k));
  }

  /**
   * Kills the child at a random moment: once it has completed {@code saves} more saves (after a first
   * one), after a random part of the time between its last two saves (so the kill lands anywhere in a
   * step or a save, however fast or slow this machine is today).
   */
  private String killAtRandom(Path out, int maxSteps, String size, int saves, Random random) throws Exception {
    int first = journal(out).size() + 1;
    int target = first + saves;
    Process p = start(out, maxSteps, size);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
    long lastSave = -1; // when a save was first seen; none yet
    long gap = 0;
    for (int seen = first - 1; seen < target && p.isAlive() && System.nanoTime() < deadline; ) {
      Thread.sleep(2);
      int now = journal(out).size();
      if (now > seen) {
        // Two saves can land within one poll: the gap is then measured from the last save seen before them
        // (never from "time zero", which made the sleep below last for days).
        long t = System.nanoTime();
        gap = lastSave < 0 ? 0 : (t - lastSave) / (now - seen);
        lastSave = t;
        seen = now;
      }
    }
    long millis = random.nextInt((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(gap)));
    Thread.sleep(millis);
    assertTrue(p.isAlive(), () -> "the child was still training when killed: " + log(out));
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String during = inProgress(out);
    checkNothingLost(out);
    return "at a random moment (" + millis + " ms after save " + target + "): checkpoints " + checkpoints(out)
        + (during.isEmpty() ? "" : ", killed during a save or deletion (" + during + ")");
  }

  private String killAtPhase(Path out, int maxSteps, String size, String phase) throws Exception {
    Path marker = out.resolveSibling(out.getFileName() + ".paused");
    Files.deleteIfExists(marker);
    Process p = start(out, maxSteps, size, phase);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
    while (!Files.exists(marker) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (!Files.exists(marker)) {
      p.destroyForcibly();
      fail("the child never reached " + phase + " (alive: " + p.isAlive() + "): " + log(out));
    }
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String during = inProgress(out);
    checkNothingLost(out);
    return "at " + phase + ": checkpoints " + checkpoints(out) + (during.isEmpty() ? "" : " and " + during);
  }

  /**
   * Every {@code checkpoint-N} is complete, and once the next start has put the folder in order, the
   * newest checkpoint is the newest save completed (until training ended: then only the best stays).
   */
  private static void checkNothingLost(Path out) throws IOException {
    assertEveryCheckpointIsComplete(out);
    Checkpoints.recoverInterruptedSaves(out);
    assertEveryCheckpointIsComplete(out);
    List<String> saves = journal(out);
    if (saves.contains("end")) {
      return;
    }
    int newestSaved = saves.stream().mapToInt(line -> Integer.parseInt(line.substring("saved ".length()))).max()
        .orElse(0);
    int newest = latestStep(out);
    assertTrue(newest >= newestSaved, "step " + newestSaved + " was saved, but the newest checkpoint is step " + newest);
  }

  private static List<String> journal(Path out) throws IOException {
    Path journal = out.resolveSibling(out.getFileName() + ".saves");
    return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
  }

  private static void assertSameRun(Path reference, Path killed, List<String> kills) throws IOException {
    assertFalse(inProgress(killed).contains(Checkpoints.TEMPORARY_PREFIX), "the resumed run cleaned up");
    assertEquals(Files.readString(reference.resolve("history.json")), Files.readString(killed.resolve("history.json")),
        "log history (every value but timings, at full precision) after kills " + kills);
    Map<String, Safetensors.Tensor> expected = Safetensors.read(reference.resolve("final.safetensors"));
    Map<String, Safetensors.Tensor> actual = Safetensors.read(killed.resolve("final.safetensors"));
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertEquals(0, bytes(expected.get(name)).compareTo(bytes(actual.get(name))), "parameter " + name + " after " + kills);
    }
    assertEquals(checkpoints(reference), checkpoints(killed), "the same checkpoints stay");
  }

  private Process start(Path out, int maxSteps, String size, String... pause) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        ResumeChild.class.getName(), out.toString(), String.valueOf(maxSteps), size));
    command.addAll(List.of(pause));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(logFile(out).toFile());
    Files.createDirectories(out);
    return pb.start();
  }

  private void runToEnd(Path out, int maxSteps, String size) throws Exception {
    Process p = start(out, maxSteps, size);
    assertTrue(p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "child finished");
    assertEquals(0, p.exitValue(), () -> "child failed: " + log(out));
  }

  private static Path logFile(Path out) {
    return out.resolveSibling(out.getFileName() + ".log");
  }

  private static String log(Path out) {
    try {
      return Files.readString(logFile(out));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static ByteBuffer bytes(Safetensors.Tensor t) {
    return t.data().duplicate();
  }

  /** The leftovers of a save or deletion the kill interrupted. */
  private static String inProgress(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return String.join(", ", s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList());
    }
  }

  private static int latestStep(Path out) {
    return Checkpoints.latest(out).flatMap(Checkpoints::step).orElse(0);
  }

  private static List<String> checkpoints(Path out) {
    return Checkpoints.list(out).stream().map(p -> p.getFileName().toString()).toList();
  }

  private static void assertEveryCheckpointIsComplete(Path out) throws IOException {
    for (Path p : Checkpoints.list(out)) {
      for (String file : Checkpoints.FULL) {
        assertTrue(Files.isRegularFile(p.resolve(file)), p + File.separator + file + " exists");
      }
      Safetensors.read(p.resolve(Checkpoints.MODEL));
      Safetensors.read(p.resolve(Checkpoints.OPTIMIZER));
      TrainerState.loadFromJson(p.resolve(Checkpoints.TRAINER_STATE));
    }
  }
}

package org.trainer4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.TrainerState;

/**
 * Kills a training JVM with SIGKILL at random moments (once while a checkpoint is being written),
 * resumes each time with resume_from_checkpoint=true, and checks that it ends exactly as a run that was
 * never interrupted.
 */
class KillAndResumeTest {
  private static final int MAX_STEPS = 40;

  @TempDir Path dir;

  private Process start(Path out) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), ResumeChild.class.getName(), out.toString(), String.valueOf(MAX_STEPS));
    pb.redirectErrorStream(true);
    pb.redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile());
    Files.createDirectories(out);
    return pb.start();
  }

  private void runToEnd(Path out) throws Exception {
    Process p = start(out);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child finished");
    assertEquals(0, p.exitValue(), () -> "child failed: " + log(out));
  }

  private static String log(Path out) {
    try {
      return Files.readString(out.resolveSibling(out.getFileName() + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void killedRunsResumeToTheSameResult() throws Exception {
    Path reference = dir.resolve("reference");
    runToEnd(reference);

    Path killed = dir.resolve("killed");
    Random random = new Random();
    List<String> kills = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      Process p = start(killed);
      waitForStepsBeyond(killed, p, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
      Thread.sleep(random.nextInt(800));
      p.destroyForcibly(); // SIGKILL on Linux
      p.waitFor(30, TimeUnit.SECONDS);
      kills.add("at a random moment: " + checkpoints(killed) + (savingNow(killed) ? " and an unfinished save" : ""));
      assertEveryCheckpointIsComplete(killed);
    }
    boolean interruptedASave = false;
    for (int attempt = 0; attempt < 10 && !interruptedASave; attempt++) {
      Process p = start(killed);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!savingNow(killed) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      interruptedASave = savingNow(killed); // the temporary folder stays only if the save never finished
      kills.add("while saving: " + checkpoints(killed) + (interruptedASave ? " and an unfinished save" : ""));
      assertEveryCheckpointIsComplete(killed);
    }
    assertTrue(interruptedASave, "one kill landed in the middle of a save: " + kills);
    runToEnd(killed);
    assertTrue(!savingNow(killed), "the resumed run removed the unfinished save");

    assertEquals(Files.readAllLines(reference.resolve("losses.txt")), Files.readAllLines(killed.resolve("losses.txt")),
        "loss history after kills " + kills);
    Map<String, Safetensors.Tensor> expected = Safetensors.read(reference.resolve("final.safetensors"));
    Map<String, Safetensors.Tensor> actual = Safetensors.read(killed.resolve("final.safetensors"));
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertEquals(0, bytes(expected.get(name)).compareTo(bytes(actual.get(name))), "parameter " + name + " after " + kills);
    }
  }

  private static ByteBuffer bytes(Safetensors.Tensor t) {
    return t.data().duplicate();
  }

  private static boolean savingNow(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return false;
    }
    try (Stream<Path> s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString())
          .anyMatch(n -> n.startsWith(Checkpoints.TEMPORARY_PREFIX) && !n.contains("-deleted-"));
    }
  }

  /** Waits until the child has saved at least one more checkpoint than before it started. */
  private static void waitForStepsBeyond(Path out, Process p, long deadline) throws Exception {
    int before = Checkpoints.latest(out).flatMap(Checkpoints::step).orElse(0);
    while (p.isAlive() && System.nanoTime() < deadline
        && Checkpoints.latest(out).flatMap(Checkpoints::step).orElse(0) <= before) {
      Thread.sleep(5);
    }
  }

  private static List<String> checkpoints(Path out) {
    return Checkpoints.list(out).stream().map(p -> p.getFileName().toString()).toList();
  }

  private static void assertEveryCheckpointIsComplete(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.filter(f -> Checkpoints.step(f).isPresent()).toList()) {
        for (String file : List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.SCHEDULER,
            Checkpoints.LOOP_STATE, Checkpoints.TRAINER_STATE, Checkpoints.TRAINING_ARGS)) {
          assertTrue(Files.isRegularFile(p.resolve(file)), p + File.separator + file + " exists");
        }
        Safetensors.read(p.resolve(Checkpoints.MODEL));
        Safetensors.read(p.resolve(Checkpoints.OPTIMIZER));
        TrainerState.loadFromJson(p.resolve(Checkpoints.TRAINER_STATE));
      }
    }
  }
}

package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real worker JVMs on loopback, started by the launcher. */
class LauncherTest {
  /** A guard against a hang, far above the few seconds these jobs take: not a timing assertion. */
  private static final Duration HANG_GUARD = Duration.ofMinutes(3);

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void twoWorkersExchangeAndTheirOutputIsPrefixedByRank() {
    int code = launch(20, "ok");
    String stdout = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, stdout + err.toString(StandardCharsets.UTF_8));
    for (int rank = 0; rank < 2; rank++) {
      assertTrue(stdout.contains("[rank " + rank + "] mean=1.5,2.5,3.5"), stdout);
      assertTrue(stdout.contains("[rank " + rank + "] broadcast=out/checkpoint-7"), stdout);
      assertTrue(stdout.contains("[rank " + rank + "] max=1.0"), stdout);
      assertTrue(stdout.contains("[rank " + rank + "] sum=1.0"), stdout);
    }
  }

  @Test
  void aWorkerKilledMidRunFailsTheJobNamingItAndTheLastCheckpoint() throws Exception {
    Files.createDirectories(dir.resolve("checkpoint-2"));
    Files.createDirectories(dir.resolve("checkpoint-4"));
    int code = launch(20, "die", "--output_dir", dir.toString());
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(137, code, stderr);
    assertTrue(stderr.contains("distributed job failed: worker 1 of 2 (pid "), stderr);
    assertTrue(stderr.contains("was killed by signal 9"), stderr);
    assertTrue(stderr.contains("the last checkpoint is " + dir.resolve("checkpoint-4")), stderr);
    // The survivor's next exchange failed instead of returning its own values.
    assertTrue(stderr.contains("[rank 0] ") && stderr.contains("an all-reduce with the other workers failed"), stderr);
  }

  @Test
  void aWorkerThatCannotReachTheOthersFailsAtStartUpWithinItsTimeout() {
    int code = launch(3, "absent");
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertTrue(code != 0, stderr);
    assertTrue(stderr.contains("worker 0 of 2 cannot reach the other workers through the tracker at 127.0.0.1:"),
        stderr);
    assertTrue(stderr.contains("(timeout 3 s)"), stderr);
    assertTrue(stderr.contains("distributed job failed: worker 0 of 2"), stderr);
    assertTrue(stderr.contains("no --output_dir was given"), stderr);
  }

  @Test
  void badLauncherOptionsNameTheOption() {
    assertEquals("--nproc_per_node must be an integer, not 'two'", assertThrows(IllegalArgumentException.class,
        () -> Launcher.parse(new String[] {"--nproc_per_node", "two", "Main"})).getMessage());
    assertEquals("--nproc_per_node must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
        () -> Launcher.parse(new String[] {"--nproc_per_node", "0", "Main"})).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Launcher.parse(new String[] {"--nprocs", "2", "Main"})).getMessage().startsWith("unknown launcher option --nprocs"));
    Launcher.Job job = Launcher.parse(new String[] {"--nproc_per_node", "2", "--timeout", "9", "Main", "--output_dir", "o"});
    assertEquals(new Launcher.Job(2, 9, List.of(), "Main", List.of("--output_dir", "o")), job);
  }

  private int launch(int timeoutSeconds, String... args) {
    Launcher.Job job = new Launcher.Job(2, timeoutSeconds, List.of("-Xmx256m"), ExchangeWorker.class.getName(),
        List.of(args));
    return assertTimeoutPreemptively(HANG_GUARD, () -> Launcher.run(job,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
  }
}

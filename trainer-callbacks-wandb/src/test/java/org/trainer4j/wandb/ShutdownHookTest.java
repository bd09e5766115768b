package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.testkit.WandbFileReader;
import org.trainer4j.testkit.WandbFileReader.Rec;

/** A run left open when the JVM ends is finished by the shutdown hook: failed after a crash, else finished. */
class ShutdownHookTest {
  @TempDir Path dir;

  private List<Rec> runChild(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path output = dir.resolve(mode + ".log");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ShutdownHookMain.class.getName(), dir.resolve(mode).toString(), mode)
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the child JVM did not end");
    String log = Files.readString(output);
    assertEquals(mode.equals("crash") ? 1 : 0, process.exitValue(), log);
    Path file;
    try (Stream<Path> files = Files.walk(dir.resolve(mode))) {
      file = files.filter(p -> p.toString().endsWith(".wandb")).findFirst().orElseThrow();
    }
    return WandbFileReader.read(file);
  }

  private static List<String> steps(List<Rec> records) {
    return WandbFileReader.historyRows(records).stream().map(r -> r.get("train/global_step")).toList();
  }

  private static long exitCode(List<Rec> records) {
    return records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body().varint(1);
  }

  @Test
  void aTrainingThatThrowsFinishesItsRunWithExitCodeOne() throws Exception {
    List<Rec> records = runChild("crash");
    assertEquals(List.of("1", "2", "3"), steps(records), "the rows logged before the crash");
    assertEquals(1, exitCode(records));
    assertEquals(List.of("exit", "final", "footer"),
        WandbFileReader.types(records).subList(records.size() - 3, records.size()));
  }

  @Test
  void aRunLeftOpenAfterTrainingEndedIsFinishedWithExitCodeZero() throws Exception {
    List<Rec> records = runChild("ended");
    assertEquals(List.of("1", "2", "3", "3"), steps(records), "three training rows and the end-of-training row");
    assertEquals(0, exitCode(records));
  }
}

package org.trainer4j.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CPU run prints no CUDA-probe warnings and no PyTorch deprecation warning; real errors still show. */
class CpuEngineNoiseTest {
  @TempDir Path dir;

  /** Runs QuietRunChild in a fresh JVM with the default log level (info), as a user's program runs. */
  private String run(String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true"));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), QuietRunChild.class.getName(),
        dir.resolve("out").toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(180, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue(), output);
    assertTrue(output.contains("done"), output);
    return output;
  }

  @Test
  void aCpuRunWithCheckpointsBestModelAndResumePrintsNoEngineNoise() throws Exception {
    String output = run();
    assertTrue(output.contains("CUDA probe level: error"), output);
    assertFalse(output.contains("Failed to detect GPU count"), output);
    assertFalse(output.contains("is deprecated"), output);
    assertFalse(output.contains("Warning:"), output);
  }

  @Test
  void aLevelTheUserSetIsKept() throws Exception {
    String output = run("-D" + CpuEngineNoise.CUDA_PROBE_LEVEL + "=warn");
    assertTrue(output.contains("CUDA probe level: warn"), output);
  }

  @Test
  void onlyThePyTorchCpuLibrariesCountAsCpuOnly() {
    assertTrue(CpuEngineNoise.cpuLibrariesOnly(), "the tests run on pytorch-native-cpu");
  }
}

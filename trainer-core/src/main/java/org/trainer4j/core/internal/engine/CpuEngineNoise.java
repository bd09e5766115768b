package org.trainer4j.core.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.trainer4j.core.Trainer;

/**
 * Quiets DJL's CUDA probe when only PyTorch's CPU libraries are on the class path. DJL looks for the
 * CUDA runtime whenever its engine loads, and on a machine that has one but no GPU driver it warns
 * "Failed to detect GPU count" twice per run, although the CPU libraries never use CUDA. Only that
 * logger is quieted (to errors), only for slf4j-simple (the property is its per-logger level), only
 * when the user has not set it, and only before DJL's engine has loaded: Trainer4J's arguments and
 * Trainer do it when their classes load.
 */
public final class CpuEngineNoise {
  public static final String CUDA_PROBE_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

  private CpuEngineNoise() {}

  public static void quietCudaProbe() {
    if (System.getProperty(CUDA_PROBE_LEVEL) == null && cpuLibrariesOnly()) {
      System.setProperty(CUDA_PROBE_LEVEL, "error");
    }
  }

  /** Whether PyTorch's native libraries on the class path are the CPU ones (pytorch-native-cpu). */
  public static boolean cpuLibrariesOnly() {
    try (InputStream in = CpuEngineNoise.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
      if (in == null) {
        return false; // DJL will pick (and maybe download) libraries for the machine: CUDA may matter
      }
      Properties p = new Properties();
      p.load(in);
      return "cpu".equals(p.getProperty("flavor"));
    } catch (IOException e) {
      return false;
    }
  }
}

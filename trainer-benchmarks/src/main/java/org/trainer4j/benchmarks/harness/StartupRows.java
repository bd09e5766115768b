package org.trainer4j.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.trainer4j.core.checkpoint.Checkpoints;

/**
 * Measurement 7 from the parent's side: {@link StartupRun} in fresh JVMs, first with an empty DJL cache
 * folder (DJL unpacks PyTorch's native libraries from the class path into it: "cold"), then again with
 * the same folder ("warm"). DJL 0.36 takes the folder from {@code ENGINE_CACHE_DIR}, else {@code
 * DJL_CACHE_DIR} (environment first, then a system property of that name), else {@code ~/.djl.ai}; the
 * child gets {@code DJL_CACHE_DIR} and no {@code ENGINE_CACHE_DIR}.
 */
final class StartupRows {
  private StartupRows() {}

  static ResultRow measure(HarnessOptions options, Consumer<String> progress) {
    List<ChildJvm.Outcome> cold = new ArrayList<>();
    List<ChildJvm.Outcome> warm = new ArrayList<>();
    for (int i = 0; i < options.startupRepeats(); i++) {
      Path cache = ScratchFolders.create("bench-djl-cache");
      try {
        cold.add(start(cache));
        if (i == options.startupRepeats() - 1) {
          for (int w = 0; w < options.startupRepeats(); w++) {
            warm.add(start(cache));
          }
        }
      } finally {
        Checkpoints.deleteTree(cache);
      }
      progress.accept("start-up: " + cold.size() + " cold run(s) done");
    }
    progress.accept("start-up: " + warm.size() + " warm run(s) done");
    List<Double> coldFirst = milliseconds(cold, "first_step_ms");
    List<Double> warmFirst = milliseconds(warm, "first_step_ms");
    String detail = String.format("MLP 784→256→10, one batch of 64, through the Trainer, in a new JVM each time."
            + " Cold (empty DJL_CACHE_DIR, PyTorch native libraries unpacked from the class path): main → first step %s ms;"
            + " engine loaded after %s ms; JVM start before main %s ms; process start to exit %s ms."
            + " Warm (same folder again): main → first step %s ms; engine loaded after %s ms; process start to exit %s ms."
            + " Engine: %s.",
        Stats.list(coldFirst, "%.0f"), Stats.list(milliseconds(cold, "engine_ready_ms"), "%.0f"),
        Stats.list(milliseconds(cold, "jvm_before_main_ms"), "%.0f"), Stats.list(wall(cold), "%.0f"),
        Stats.list(warmFirst, "%.0f"), Stats.list(milliseconds(warm, "engine_ready_ms"), "%.0f"),
        Stats.list(wall(warm), "%.0f"), cold.get(0).results().get("engine"));
    String result = String.format("main → first optimizer step: cold %.2f s, warm %.2f s (medians)",
        Stats.median(coldFirst) / 1000, Stats.median(warmFirst) / 1000);
    return ResultRow.info("7", "start-up: main to the first optimizer step, cold and warm DJL cache", result, detail);
  }

  private static ChildJvm.Outcome start(Path cache) {
    Path scratch = ScratchFolders.create("bench-startup");
    try {
      Map<String, String> environment = new HashMap<>();
      environment.put("DJL_CACHE_DIR", cache.toString());
      environment.put("ENGINE_CACHE_DIR", null);
      return ChildJvm.run(StartupRun.class, List.of(), List.of(scratch.toString()), environment, 10L * 60);
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }

  private static List<Double> milliseconds(List<ChildJvm.Outcome> runs, String key) {
    return runs.stream().map(o -> o.number(key)).toList();
  }

  private static List<Double> wall(List<ChildJvm.Outcome> runs) {
    return runs.stream().map(o -> o.wallNanos() / 1e6).toList();
  }
}

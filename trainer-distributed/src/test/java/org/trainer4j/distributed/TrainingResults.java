package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.trainer4j.testkit.WandbFileReader;

/**
 * Reading and comparing the results {@link TrainWorker} writes: HF's DDP promise is that a data-parallel
 * run gives the single run's losses, learning rates and weights, to 1e-6 relative.
 */
final class TrainingResults {
  static final double RELATIVE = 1e-6;

  private TrainingResults() {}

  /** The {@code result-rank<r>.json} a worker wrote to the output folder. */
  static JsonNode result(Path out, int rank) throws IOException {
    return new ObjectMapper().readTree(out.resolve("result-rank" + rank + ".json").toFile());
  }

  static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  /** Losses, learning rates, gradient norms and evaluation losses, row by row. */
  static void assertSameHistory(JsonNode expected, JsonNode actual) {
    assertEquals(expected.size(), actual.size(), "rows of log_history");
    int compared = 0;
    for (int i = 0; i < expected.size(); i++) {
      JsonNode e = expected.get(i);
      JsonNode a = actual.get(i);
      assertEquals(e.get("step").asInt(), a.get("step").asInt());
      for (String key : List.of("loss", "learning_rate", "grad_norm", "eval_loss", "train_loss")) {
        if (e.has(key)) {
          assertClose(e.get(key).asDouble(), a.get(key).asDouble(), key + " of row " + i);
          compared++;
        }
      }
    }
    assertTrue(compared >= 3 * TrainWorker.STEPS + 3, "compared " + compared + " values");
  }

  static void assertSameWeights(JsonNode expected, JsonNode actual) {
    Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
    int compared = 0;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      JsonNode other = actual.get(e.getKey());
      assertEquals(e.getValue().size(), other.size(), e.getKey());
      // Relative to the tensor's largest value: an element near 0 carries float32 noise of its neighbours' size.
      double scale = 0;
      for (JsonNode v : e.getValue()) {
        scale = Math.max(scale, Math.abs(v.asDouble()));
      }
      for (int i = 0; i < other.size(); i++) {
        assertEquals(e.getValue().get(i).asDouble(), other.get(i).asDouble(), RELATIVE * scale,
            e.getKey() + "[" + i + "]");
        compared++;
      }
    }
    assertEquals(4 * 8 + 8 + 8 * 2 + 2, compared);
  }

  private static void assertClose(double expected, double actual, String what) {
    double tolerance = RELATIVE * Math.max(Math.abs(expected), 1e-3);
    assertEquals(expected, actual, tolerance, what);
  }

  /** TensorBoard event files anywhere under the output folder. */
  static long eventFiles(Path out) throws IOException {
    try (var paths = Files.walk(out)) {
      return paths.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).count();
    }
  }

  /** The W&B run files ({@code .wandb}) anywhere under the output folder. */
  static List<Path> wandbRuns(Path out) throws IOException {
    try (var paths = Files.walk(out)) {
      return paths.filter(p -> p.getFileName().toString().endsWith(".wandb")).toList();
    }
  }

  /** The runs' history rows: one per logged row, the same keys, the same losses and learning rates. */
  static void assertSameWandbHistory(Path expected, Path actual) throws IOException {
    List<Map<String, String>> e = WandbFileReader.historyRows(WandbFileReader.read(expected));
    List<Map<String, String>> a = WandbFileReader.historyRows(WandbFileReader.read(actual));
    assertEquals(e.size(), a.size(), "W&B history rows");
    int compared = 0;
    for (int i = 0; i < e.size(); i++) {
      assertEquals(e.get(i).keySet(), a.get(i).keySet(), "keys of W&B row " + i);
      assertEquals(e.get(i).get("train/global_step"), a.get(i).get("train/global_step"), "step of W&B row " + i);
      for (String key : List.of("train/loss", "train/learning_rate", "eval/loss")) {
        if (e.get(i).containsKey(key)) {
          assertClose(Double.parseDouble(e.get(i).get(key)), Double.parseDouble(a.get(i).get(key)),
              key + " of W&B row " + i);
          compared++;
        }
      }
    }
    assertTrue(compared >= 2 * TrainWorker.STEPS + 2, "compared " + compared + " W&B values");
  }
}

package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example with its defaults: the accuracy it promises and the files it leaves. */
class DigitsExampleTest {
  @TempDir Path dir;

  @Test
  void theBundledDataSplitsAsDocumented() {
    List<Digits.Image> all = Digits.load();
    assertEquals(1797, all.size());
    Digits.Splits s = Digits.split(all, 0);
    assertEquals(List.of(1258, 270, 269), List.of(s.train().size(), s.eval().size(), s.test().size()));
    assertEquals(s.test(), Digits.split(all, 0).test(), "the split is fixed by its seed");
  }

  @Test
  void theDefaultsReach95PercentAndLeaveTheirFiles() throws IOException {
    DigitsExample.Result result = DigitsExample.run(DigitsExample.options().parse(
        new String[] {"--output_dir", dir.toString(), "--disable_tqdm", "true"}));
    double accuracy = (Double) result.testMetrics().get("test_accuracy");
    assertTrue(accuracy >= 0.95, "test accuracy " + accuracy);

    try (Stream<Path> files = Files.walk(dir)) {
      List<String> names = files.map(p -> dir.relativize(p).toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.startsWith("runs/") && n.contains("events.out.tfevents.")), names.toString());
      assertTrue(names.contains("metrics.csv"), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.matches("wandb/offline-run-\\d{8}_\\d{6}-[a-z0-9]+/run-[a-z0-9]+\\.wandb")),
          "an offline W&B run (the example's default without WANDB_API_KEY/WANDB_MODE): " + names);
      assertTrue(names.stream().anyMatch(n -> n.matches("checkpoint-\\d+/model.safetensors")), names.toString());
    }
    assertTrue(result.locations().keySet().containsAll(List.of("TensorBoard logs", "W&B run", "Metrics CSV", "Checkpoints",
        "Best checkpoint")), result.locations().toString());
    assertTrue(result.locations().get("TensorBoard logs").endsWith("(tensorboard --logdir " + dir.resolve("runs") + ")"),
        result.locations().toString());
    assertTrue(result.locations().get("Best checkpoint").endsWith(" (loaded at the end)"), result.locations().toString());
  }

  @Test
  void theSummaryNamesTheLoggingDirGivenAndLoadsNoBestModelWhenToldNotTo() {
    Path logs = dir.resolve("tb-logs");
    DigitsExample.Result result = DigitsExample.run(DigitsExample.options().parse(new String[] {
        "--output_dir", dir.resolve("out").toString(), "--logging_dir", logs.toString(), "--num_train_epochs", "1",
        "--load_best_model_at_end", "false", "--report_to", "tensorboard", "--disable_tqdm", "true"}));

    assertEquals(logs + "  (tensorboard --logdir " + logs + ")", result.locations().get("TensorBoard logs"));
    assertEquals(dir.resolve("out/checkpoint-40").toString(), result.locations().get("Best checkpoint"));
  }

  @Test
  void customMetricsAreListedWhateverReportToSelects() {
    List<String> keys = CustomMetricsExample.run(org.trainer4j.core.args.ArgumentParser.parse(
        Stream.concat(CustomMetricsExample.DEFAULTS.stream(), Stream.of("--output_dir", dir.toString(),
            "--num_train_epochs", "1", "--report_to", "tensorboard", "--disable_tqdm", "true"))
            .toArray(String[]::new)).arguments());
    assertTrue(keys.containsAll(List.of("eval/worst_digit_recall", "test/worst_digit_recall", "eval/error_rate")),
        keys.toString());
    assertFalse(Files.exists(dir.resolve("metrics.csv")), "report_to=tensorboard leaves the CSV plugin out");
  }

  @Test
  void customMetricsLandUnderEvalAndTest() {
    List<String> keys = CustomMetricsExample.run(org.trainer4j.core.args.ArgumentParser.parse(
        Stream.concat(CustomMetricsExample.DEFAULTS.stream(),
            Stream.of("--output_dir", dir.toString(), "--num_train_epochs", "1", "--disable_tqdm", "true"))
            .toArray(String[]::new)).arguments());
    assertTrue(keys.containsAll(List.of("eval/worst_digit_recall", "test/worst_digit_recall", "eval/error_rate",
        "eval/accuracy", "test/accuracy")), keys.toString());
    assertTrue(keys.stream().noneMatch(k -> k.equals("train/worst_digit_recall") || k.equals("train/eval_error_rate")
        || k.equals("train/error_rate")), keys.toString());
  }
}

package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.EventRecorder;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.RecordingProvider;
import org.trainer4j.core.metrics.Metrics;

/** evaluate() and predict() prefix custom metrics so they land under eval/ and test/, never train/. */
class PrefixTest {
  @TempDir Path dir;

  @Test
  void customMetricsGetTheEvalAndTestPrefixes() {
    RecordingProvider.LOGGED.clear();
    EventRecorder recorder = new EventRecorder();
    try (Model model = Fixtures.mlp(8)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("recording").learningRate(1e-2)
              .numTrainEpochs(1).loggingSteps(2).saveStrategy("no").build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(64, 1)))
          .evalDataset(Fixtures.dataset(Fixtures.blobs(20, 2)))
          .computeMetrics(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("f1", Metrics.precisionRecallF1(p, Metrics.Average.MACRO).get("f1"));
            m.put("eval_custom", 1.5);
            return m;
          })
          .callbacks(recorder)
          .build();
      trainer.train();

      Map<String, Object> eval = trainer.evaluate();
      assertEquals(List.of("eval_custom", "eval_loss", "eval_f1", "eval_runtime", "eval_samples_per_second",
          "eval_steps_per_second", "epoch"), new ArrayList<>(eval.keySet()));

      PredictionOutput prediction = trainer.predict(Fixtures.dataset(Fixtures.blobs(10, 3)));
      assertEquals(List.of("test_loss", "test_f1", "test_eval_custom", "test_runtime", "test_samples_per_second",
          "test_steps_per_second"), new ArrayList<>(prediction.metrics().keySet()));
      assertEquals(List.of(10L, 2L), java.util.Arrays.stream(prediction.predictions().shape()).boxed().toList());
      assertEquals(10, prediction.labelIds().orElseThrow().rows());

      assertTrue(recorder.only("onPredict").size() == 1, "onPredict fires once");
      assertEquals(1, recorder.logs.stream().filter(l -> l.containsKey("eval_f1")).count(),
          "evaluate() logs, predict() does not");
      assertTrue(RecordingProvider.LOGGED.containsAll(List.of("eval/f1", "eval/loss", "test/f1", "test/loss",
          "train/loss", "train/epoch", "train/train_runtime")), RecordingProvider.LOGGED.toString());
      assertTrue(RecordingProvider.LOGGED.stream().noneMatch(k -> k.equals("train/f1") || k.equals("train/eval_f1")),
          RecordingProvider.LOGGED.toString());
    }
  }
}

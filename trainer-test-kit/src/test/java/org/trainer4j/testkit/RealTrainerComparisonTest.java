package org.trainer4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.metrics.Metrics;

/**
 * The kit's promise: for the same arguments and data sizes, callbacks see the same events, at the same
 * steps and epochs, with the same keys, flags and learning rates as in a real Trainer run on PyTorch.
 * (Only shapes whose flow does not depend on metric values: those differ between a model and the kit.)
 */
class RealTrainerComparisonTest {
  private static final int TRAIN = 10;
  private static final int EVAL = 6;
  private static final int TEST = 5;

  @TempDir Path realDir;
  @TempDir Path kitDir;

  static Stream<Arguments> shapes() {
    return Stream.of(
        shape("steps strategies, uneven last batch, rotation", a -> a.numTrainEpochs(2).loggingSteps(2)
            .evalStrategy("steps").evalSteps(3).saveStrategy("steps").saveSteps(4).saveTotalLimit(1)),
        shape("gradient accumulation with a short window, first step logged", a -> a.numTrainEpochs(2)
            .gradientAccumulationSteps(2).loggingFirstStep(true).loggingSteps(2)),
        shape("epoch strategies and the best model", a -> a.numTrainEpochs(3).loggingStrategy("epoch")
            .evalStrategy("epoch").saveStrategy("epoch").loadBestModelAtEnd(true).metricForBestModel("loss")),
        shape("max_steps cuts an epoch short, eval on start", a -> a.maxSteps(4).numTrainEpochs(10)
            .loggingSteps(1).evalOnStart(true).evalStrategy("steps").evalSteps(2)),
        shape("ratios and drop_last", a -> a.numTrainEpochs(2).dataloaderDropLast(true).loggingSteps(0.5)
            .evalStrategy("steps").evalSteps(0.34).evalDelay(2).warmupSteps(2)),
        shape("no gradient clipping, evaluation and saves every few steps", a -> a.numTrainEpochs(2).maxGradNorm(0)
            .evalStrategy("steps").evalSteps(1).saveStrategy("steps").saveSteps(3)),
        shape("cosine schedule with warmup", a -> a.numTrainEpochs(3).lrSchedulerType("cosine").warmupRatio(0.2)
            .loggingSteps(1)));
  }

  private static Arguments shape(String name, Consumer<TrainingArguments.Builder> configure) {
    return Arguments.of(name, configure);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void theKitFiresWhatTheTrainerFires(String name, Consumer<TrainingArguments.Builder> configure) throws IOException {
    EventRecorder real = new EventRecorder();
    TrainerState realState;
    try (Model model = TinyModel.create()) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(args(realDir, configure))
          .trainDataset(TinyModel.points(TRAIN, 1)).evalDataset(TinyModel.points(EVAL, 2))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .callbacks(real).build();
      trainer.train();
      trainer.evaluate();
      trainer.predict(TinyModel.points(TEST, 3));
      realState = trainer.state();
    }

    CallbackDriver driver = CallbackDriver.builder(args(kitDir, configure))
        .trainExamples(TRAIN).evalExamples(EVAL).testExamples(TEST).parameterCount(TinyModel.PARAMETERS)
        .evalMetrics(state -> Map.of("accuracy", 0.5 + state.globalStep() / 100.0))
        .build();
    driver.train();
    driver.evaluate();
    driver.predict();
    EventRecorder kit = driver.recorder();

    assertEquals(real.trace(), kit.trace());
    assertEquals(epochs(real), epochs(kit));
    assertEquals(real.events().stream().map(RecordedEvent::control).toList(),
        kit.events().stream().map(RecordedEvent::control).toList());
    assertEquals(values(real, "learning_rate"), values(kit, "learning_rate"));
    assertEquals(values(real, "total_flos"), values(kit, "total_flos"));
    assertEquals(realState.logHistory().stream().map(r -> r.get("step")).toList(),
        driver.state().logHistory().stream().map(r -> r.get("step")).toList());
    assertEquals(List.of(realState.maxSteps(), realState.numTrainEpochs(), realState.loggingSteps(),
            realState.evalSteps(), realState.saveSteps()),
        List.of(driver.state().maxSteps(), driver.state().numTrainEpochs(), driver.state().loggingSteps(),
            driver.state().evalSteps(), driver.state().saveSteps()));
    assertEquals(checkpoints(realDir), checkpoints(kitDir));
  }

  private static TrainingArguments args(Path dir, Consumer<TrainingArguments.Builder> configure) {
    TrainingArguments.Builder b = TrainingArguments.builder().outputDir(dir).perDeviceTrainBatchSize(4)
        .perDeviceEvalBatchSize(4).saveStrategy("no").reportTo("none").learningRate(1e-2).disableTqdm(true);
    configure.accept(b);
    return b.build();
  }

  private static List<Optional<Double>> epochs(EventRecorder recorder) {
    return recorder.events().stream().map(RecordedEvent::epoch).toList();
  }

  private static List<Object> values(EventRecorder recorder, String key) {
    return recorder.events(Event.ON_LOG).stream().filter(e -> e.logs().containsKey(key))
        .map(e -> e.logs().get(key)).toList();
  }

  private static List<String> checkpoints(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).sorted().toList();
    }
  }
}

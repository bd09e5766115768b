package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.StandardError;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.TrainerDataset;

/** The order of training examples: train_sampling_strategy, a user's sampler, drop_last, and resume. */
class SamplerTest {
  private static final List<Fixtures.Example> TEN = Fixtures.blobs(10, 1);

  /** A rotation by the epoch, backwards: a permutation that depends on the epoch only. */
  private static final Sampler BACKWARDS_ROTATED = (epoch, size) ->
      IntStream.range(0, size).map(i -> (size - 1 - i + epoch) % size).toArray();

  @TempDir Path dir;

  /** The example indices of each training batch the collator was asked for, from onTrainBegin on. */
  private static final class BatchLog implements TrainerCallback {
    final List<List<Integer>> batches = new ArrayList<>();
    private boolean training;

    DataCollator<Fixtures.Example> collator() {
      return (picked, manager) -> {
        if (training) {
          batches.add(picked.stream().map(TEN::indexOf).toList());
        }
        return Fixtures.COLLATOR.collate(picked, manager);
      };
    }

    @Override
    public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      training = true;
    }

    @Override
    public void onTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      training = false;
    }
  }

  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(4).numTrainEpochs(2)
        .saveStrategy("no").reportTo("none").learningRate(1e-2);
  }

  private List<List<Integer>> train(TrainingArguments.Builder args, Sampler sampler) {
    BatchLog log = new BatchLog();
    try (Model model = Fixtures.mlp(4)) {
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args.build())
          .trainDataset(TrainerDataset.of(TEN, log.collator())).trainSampler(sampler).callbacks(log)
          .build().train();
    }
    return log.batches;
  }

  @Test
  void theDefaultOrderIsTheSeededShuffleRunsHadBefore() {
    assertEquals(List.of(List.of(6, 3, 8, 0), List.of(2, 1, 9, 4), List.of(5, 7),
        List.of(6, 5, 0, 4), List.of(7, 3, 1, 9), List.of(2, 8)), train(args(), null));
  }

  @Test
  void sequentialStrategyVisitsTheExamplesInDatasetOrderEveryEpoch() {
    List<List<Integer>> epoch = List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9));
    List<List<Integer>> both = new ArrayList<>(epoch);
    both.addAll(epoch);
    assertEquals(both, train(args().trainSamplingStrategy("sequential"), null));
  }

  @Test
  void aUserSamplerGivesTheOrderOfEachEpoch() {
    assertEquals(List.of(List.of(9, 8, 7, 6), List.of(5, 4, 3, 2), List.of(1, 0),
        List.of(0, 9, 8, 7), List.of(6, 5, 4, 3), List.of(2, 1)), train(args(), BACKWARDS_ROTATED));
  }

  @Test
  void dropLastDropsTheIncompleteBatchOfTrainingAndOfEvaluationAsHf() {
    assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(0, 1, 2, 3), List.of(4, 5, 6, 7)),
        train(args().trainSamplingStrategy("sequential").dataloaderDropLast(true), null));

    List<Integer> evaluated = new ArrayList<>();
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(args().perDeviceEvalBatchSize(4).dataloaderDropLast(true).build())
          .computeMetrics(p -> {
            evaluated.add(p.labelIds().rows());
            return Map.of();
          }).build();
      trainer.evaluate(Fixtures.dataset(TEN));
      assertEquals(List.of(8), evaluated, "10 examples in batches of 4: the last 2 are dropped");
      IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
          () -> trainer.evaluate(Fixtures.dataset(TEN.subList(0, 3))));
      assertEquals("the dataset yields no batch to evaluate or predict: its 3 examples are fewer than"
          + " per_device_eval_batch_size=4 and dataloader_drop_last=true drops the incomplete batch", tooFew.getMessage());
    }
  }

  @Test
  void aSamplerThatRepeatsAnIndexStopsTrainingWithAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(args(), (epoch, size) -> new int[] {0, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
    assertEquals("the sampler returned index 0 twice in epoch 0 (at positions 0 and 1); an epoch's order must hold"
        + " every example index exactly once", e.getMessage());
  }

  @Test
  void aSamplerAndASamplingStrategyTogetherAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(args().trainSamplingStrategy("sequential"), BACKWARDS_ROTATED));
    assertEquals("train_sampling_strategy=sequential is not allowed with a trainSampler(...) given to the Trainer's"
        + " builder: the sampler decides the order; use one or the other", e.getMessage());
  }

  /**
   * Trains 2 epochs of 5 steps (batches of 2) with checkpoints every 3 steps, then resumes fresh models
   * from checkpoint-3 (mid epoch 0) and checkpoint-6 (mid epoch 1): each sees exactly the rest of the
   * uninterrupted run's batches.
   */
  @ParameterizedTest
  @ValueSource(strings = {"random", "sequential", "user"})
  void aResumedRunSeesTheSameBatchesWhateverTheSampler(String kind) {
    Sampler sampler = kind.equals("user") ? BACKWARDS_ROTATED : null;
    String strategy = kind.equals("user") ? "random" : kind;
    Consumer<TrainingArguments.Builder> resumable = a -> a.perDeviceTrainBatchSize(2).saveStrategy("steps")
        .saveSteps(3).trainSamplingStrategy(strategy);
    TrainingArguments.Builder full = args();
    resumable.accept(full);
    List<List<Integer>> uninterrupted = train(full, sampler);
    assertEquals(10, uninterrupted.size());

    for (int step : List.of(3, 6)) {
      TrainingArguments.Builder resumed = args().resumeFromCheckpoint(dir.resolve("checkpoint-" + step).toString());
      resumable.accept(resumed);
      assertEquals(uninterrupted.subList(step, 10), train(resumed, sampler), kind + " sampler resumed at step " + step);
    }
  }

  @Test
  void aResumeWarnsWhenTheSamplerGivesTheEpochAnotherOrder() {
    AtomicInteger calls = new AtomicInteger();
    Sampler countsCalls = (epoch, size) -> { // wrong: depends on how often it was called
      int shift = calls.getAndIncrement();
      return IntStream.range(0, size).map(i -> (i + shift) % size).toArray();
    };
    train(args().perDeviceTrainBatchSize(2).saveStrategy("steps").saveSteps(3), countsCalls);

    String log = StandardError.during(() -> train(args().perDeviceTrainBatchSize(2).saveStrategy("no")
        .resumeFromCheckpoint(dir.resolve("checkpoint-3").toString()), countsCalls));
    assertTrue(log.contains("the training sampler gives epoch 0 another order than when checkpoint "
        + dir.resolve("checkpoint-3") + " was saved"), log);
  }
}

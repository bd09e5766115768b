package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/** dataloader_num_workers and dataloader_prefetch_factor: collation on worker threads, invisible in the results. */
class BackgroundLoadingTest {
  private static final List<Fixtures.Example> EXAMPLES = Fixtures.blobs(50, 5);

  @TempDir Path dir;

  private TrainingArguments.Builder args(int workers) {
    return TrainingArguments.builder().outputDir(dir.resolve("w" + workers).toString()).perDeviceTrainBatchSize(4)
        .gradientAccumulationSteps(2).numTrainEpochs(3).loggingSteps(1).saveStrategy("no").reportTo("none")
        .learningRate(1e-2).dataloaderNumWorkers(workers);
  }

  private record Run(Map<String, float[]> weights, List<Object> losses, List<String> collatorThreads) {}

  private Run train(TrainingArguments args, DataCollator<Fixtures.Example> collator) {
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    DataCollator<Fixtures.Example> recording = (picked, manager) -> {
      threads.add(Thread.currentThread().getName());
      return collator.collate(picked, manager);
    };
    try (Model model = Fixtures.mlpWithDropout(8, 0.2f)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(TrainerDataset.of(EXAMPLES, recording)).build();
      trainer.train();
      List<Object> losses = trainer.state().logHistory().stream().map(row -> row.get("loss")).toList();
      return new Run(Fixtures.parameters(model), losses, threads);
    }
  }

  private static List<Thread> collatorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("trainer4j-collator") && t.isAlive()).toList();
  }

  @Test
  void trainingIsBitForBitTheSameForAnyNumberOfWorkers() {
    Run inline = train(args(0).build(), Fixtures.COLLATOR);
    for (int workers : new int[] {1, 3}) {
      Run background = train(args(workers).dataloaderPrefetchFactor(workers == 1 ? 2 : 1).build(), Fixtures.COLLATOR);
      assertEquals(inline.losses(), background.losses(), workers + " workers");
      inline.weights().forEach((name, values) ->
          assertArrayEquals(values, background.weights().get(name), workers + " workers: " + name));
      assertTrue(background.collatorThreads().stream().anyMatch(t -> t.startsWith("trainer4j-collator")),
          "batches were collated on worker threads: " + background.collatorThreads());
      assertEquals(List.of(), collatorThreads());
    }
    assertTrue(inline.collatorThreads().stream().noneMatch(t -> t.startsWith("trainer4j-collator")));
  }

  @Test
  void aCollatorThatThrowsStopsTrainingNamingTheBatchsExamples() {
    Fixtures.Example poisoned = EXAMPLES.get(17);
    DataCollator<Fixtures.Example> failing = (picked, manager) -> {
      if (picked.contains(poisoned)) {
        throw new IllegalStateException("cannot read example");
      }
      return Fixtures.COLLATOR.collate(picked, manager);
    };
    for (int workers : new int[] {0, 2}) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> train(args(workers).trainSamplingStrategy("sequential").build(), failing));
      // Sequential order, batches of 4: example 17 is in batch 4 (16..19) of epoch 0.
      assertEquals("the data collator failed on training batch 4 of epoch 0 (examples [16, 17, 18, 19]):"
          + " java.lang.IllegalStateException: cannot read example", e.getMessage(), workers + " workers");
      assertEquals(List.of(), collatorThreads(), workers + " workers");
    }
  }

  @Test
  void anInterruptedTrainingStopsAndLeavesNoWorkerBehind() {
    TrainerCallback interrupting = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(2).build())
          .trainDataset(Fixtures.dataset(EXAMPLES)).callbacks(interrupting).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, trainer::train);
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
      assertTrue(e.getMessage().startsWith("interrupted while waiting for training batch 4 of epoch 0"), e.getMessage());
      assertEquals(2, trainer.state().globalStep());
    }
    assertEquals(List.of(), collatorThreads());
  }

  @Test
  void prefetchFactorWithoutWorkersIsHfsError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> args(0).dataloaderPrefetchFactor(2).build());
    assertEquals("--dataloader_prefetch_factor can only be set when data is loaded in a different process, i.e."
        + " when --dataloader_num_workers > 0.", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> args(-1).build());
  }
}

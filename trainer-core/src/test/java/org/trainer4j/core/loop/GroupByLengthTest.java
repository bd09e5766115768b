package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.SamplingStrategy;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;

/** train_sampling_strategy=group_by_length (v4: group_by_length=true) through the Trainer. */
class GroupByLengthTest {
  private static final List<Fixtures.Example> EXAMPLES = Fixtures.blobs(40, 3);

  @TempDir Path dir;

  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(2).numTrainEpochs(1)
        .saveStrategy("no").reportTo("none");
  }

  private static void train(TrainingArguments args, TrainerDataset dataset) {
    try (Model model = Fixtures.mlp(4)) {
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args).trainDataset(dataset)
          .build().train();
    }
  }

  @Test
  void v4sGroupByLengthIsV5sSamplingStrategy() {
    TrainingArguments parsed = TrainingArguments.parse("--output_dir", dir.toString(), "--group_by_length");
    assertEquals(SamplingStrategy.GROUP_BY_LENGTH, parsed.trainSamplingStrategy());
    assertEquals(SamplingStrategy.GROUP_BY_LENGTH,
        TrainingArguments.parse("--output_dir", dir.toString(), "--train_sampling_strategy", "group_by_length")
            .trainSamplingStrategy());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> args().groupByLength(true).trainSamplingStrategy("sequential").build());
    assertTrue(e.getMessage().startsWith("group_by_length=true is not allowed; use only with"
        + " train_sampling_strategy=random"), e.getMessage());
  }

  @Test
  void trainingVisitsTheLongestExampleFirstAndEveryExampleOnce() {
    List<Integer> seen = new ArrayList<>();
    DataCollator<Fixtures.Example> recording = (picked, manager) -> {
      picked.forEach(p -> seen.add(EXAMPLES.indexOf(p)));
      return Fixtures.COLLATOR.collate(picked, manager);
    };
    // Lengths 0..39 by index: the longest is example 39.
    train(args().groupByLength(true).build(), TrainerDataset.of(EXAMPLES, recording, EXAMPLES::indexOf));
    List<Integer> trained = seen.subList(seen.size() - EXAMPLES.size(), seen.size()); // after the model's first batch
    assertEquals(39, trained.get(0));
    assertEquals(EXAMPLES.size(), trained.stream().distinct().count());
  }

  @Test
  void aDatasetWithoutLengthsIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        train(args().trainSamplingStrategy("group_by_length").build(), Fixtures.dataset(EXAMPLES)));
    assertTrue(e.getMessage().contains("train_sampling_strategy=group_by_length needs the length of each training"
        + " example: give the dataset as TrainerDataset.of(examples, collator, lengthFunction)"), e.getMessage());
  }
}

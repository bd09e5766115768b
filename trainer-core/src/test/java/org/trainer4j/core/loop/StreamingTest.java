package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.ExampleSource;
import org.trainer4j.core.data.StreamingDataset;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.python.PyFloat;

/** Streaming datasets (HF's IterableDataset): read lazily each epoch, max_steps, resume. */
class StreamingTest {
  private static final List<Fixtures.Example> EXAMPLES = Fixtures.blobs(30, 4);

  @TempDir Path dir;

  private Path jsonLines() throws IOException {
    Path file = dir.resolve("train.jsonl");
    List<String> lines = new ArrayList<>();
    for (Fixtures.Example e : EXAMPLES) {
      lines.add("{\"x\": [" + PyFloat.repr(e.features()[0]) + ", " + PyFloat.repr(e.features()[1]) + "], \"label\": "
          + e.label() + "}");
    }
    Files.write(file, lines);
    return file;
  }

  private static Fixtures.Example parse(Map<String, Object> row) {
    List<?> x = (List<?>) row.get("x");
    return new Fixtures.Example(new float[] {((Number) x.get(0)).floatValue(), ((Number) x.get(1)).floatValue()},
        ((Number) row.get("label")).intValue());
  }

  private TrainingArguments.Builder args(String name) {
    return TrainingArguments.builder().outputDir(dir.resolve(name).toString()).perDeviceTrainBatchSize(4)
        .maxSteps(20).loggingSteps(1).saveStrategy("no").reportTo("none").learningRate(1e-2)
        .trainSamplingStrategy("sequential");
  }

  private record Run(Map<String, float[]> weights, List<Object> losses) {}

  private static Run train(TrainingArguments args, TrainerDataset data) {
    try (Model model = Fixtures.mlpWithDropout(8, 0.2f)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(data).build();
      trainer.train();
      return new Run(Fixtures.parameters(model),
          trainer.state().logHistory().stream().filter(r -> r.containsKey("loss")).map(r -> r.get("loss")).toList());
    }
  }

  private static void assertSameTraining(Run expected, Run actual) {
    assertEquals(expected.losses(), actual.losses());
    expected.weights().forEach((name, values) -> assertArrayEquals(values, actual.weights().get(name), name));
  }

  @Test
  void aJsonLinesFileTrainsAsTheSameExamplesInOrderEpochAfterEpoch() throws IOException {
    // 30 examples in batches of 4: 8 batches an epoch; 20 steps read the file 3 times (8 + 8 + 4 batches).
    Run inMemory = train(args("list").build(), Fixtures.dataset(EXAMPLES));
    Path file = jsonLines();
    StreamingDataset<Fixtures.Example> stream =
        StreamingDataset.of(ExampleSource.jsonLines(file, StreamingTest::parse), Fixtures.COLLATOR);
    assertSameTraining(inMemory, train(args("stream").build(), stream));
    assertSameTraining(inMemory, train(args("stream2").dataloaderNumWorkers(2).build(), stream));
  }

  @Test
  void anEndlessSourceIsReadOnlyAsFarAsTrainingGoes() {
    AtomicInteger read = new AtomicInteger();
    ExampleSource<Fixtures.Example> endless = () -> Stream.iterate(0, i -> i + 1)
        .map(i -> EXAMPLES.get(i % EXAMPLES.size())).peek(e -> read.incrementAndGet());
    train(args("endless").maxSteps(5).build(), StreamingDataset.of(endless, Fixtures.COLLATOR));
    // 5 steps of 4, plus the first batch read once to ready the model, plus at most one batch read ahead.
    assertTrue(read.get() <= 4 + 5 * 4 + 4, "read " + read.get());
  }

  @Test
  void aResumedRunReadsPastTheTrainedExamplesUnlessIgnoreDataSkip() throws IOException {
    StreamingDataset<Fixtures.Example> stream =
        StreamingDataset.of(ExampleSource.jsonLines(jsonLines(), StreamingTest::parse), Fixtures.COLLATOR);
    Run whole = train(args("whole").saveStrategy("steps").saveSteps(5).build(), stream);
    // Step 10 is batch 2 of the second pass over the file.
    Path checkpoint = dir.resolve("whole").resolve("checkpoint-10");
    Run resumed = train(args("whole").resumeFromCheckpoint(checkpoint.toString()).build(), stream);
    assertSameTraining(whole, new Run(resumed.weights(), whole.losses()));
    Run notSkipping = train(args("whole").resumeFromCheckpoint(checkpoint.toString()).ignoreDataSkip(true).build(),
        stream);
    assertNotEquals(whole.weights().values().iterator().next()[0], notSkipping.weights().values().iterator().next()[0]);
  }

  @Test
  void aStreamWithoutMaxStepsIsHfsError() {
    StreamingDataset<Fixtures.Example> stream = StreamingDataset.of(EXAMPLES::stream, Fixtures.COLLATOR);
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().model(model)
          .loss(Loss.softmaxCrossEntropyLoss()).args(args("x").maxSteps(-1).numTrainEpochs(1).build())
          .trainDataset(stream).build());
      assertEquals("The train_dataset does not implement __len__, so the number of training steps cannot be inferred;"
          + " max_steps has to be specified. The total number of steps must be known in advance to bound the training"
          + " loop and to configure the learning rate scheduler.", e.getMessage());
    }
  }

  @Test
  void anEmptySourceAndABadLineAreClearErrors() throws IOException {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> train(args("empty").build(), StreamingDataset.of(Stream::empty, Fixtures.COLLATOR)));
    assertEquals("the streaming training dataset is empty: its source gave no example", empty.getMessage());
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"x\": [1, 2], \"label\": 1}\n[1, 2]\n");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> train(args("bad").build(),
        StreamingDataset.of(ExampleSource.jsonLines(file, StreamingTest::parse), Fixtures.COLLATOR)));
    assertEquals(file + " line 2 is not a JSON object: [1, 2]", bad.getMessage());
  }

  @Test
  void aCsvSourceReadsQuotedFieldsByHeader() throws IOException {
    Path file = dir.resolve("train.csv");
    Files.writeString(file, "text,label\n\"hello, world\",1\n\"say \"\"hi\"\"\",0\n");
    try (Stream<Map<String, String>> rows = ExampleSource.csv(file, row -> row).open()) {
      assertEquals(List.of(Map.of("text", "hello, world", "label", "1"), Map.of("text", "say \"hi\"", "label", "0")),
          rows.toList());
    }
  }
}

package org.trainer4j.transformers.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.loss.CrossEntropyLoss;

/**
 * The tiny BERT fine-tuned on a text file streamed per epoch (TextDatasets.streamJsonLines, tokenized batch by
 * batch) trains as on the same examples read into memory and fed in file order.
 */
class StreamingTextTrainingTest {
  @TempDir Path tmp;

  /** 10 steps of 8 cross the end of the 60 sentences, so the file is read a second time. */
  @Test
  void trainingOnTheStreamedFileEqualsTrainingOnTheListInFileOrder() {
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    TextColumns columns = TextColumns.builder().label2id(config.label2id()).build();
    List<Object> fromList = train("list", config, (tokenizer, padding) -> TrainerDataset.of(
        tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(), columns)), padding), "sequential");
    List<Object> streamed = train("stream", config, (tokenizer, padding) -> TextDatasets.streamJsonLines(
        TinyBert.sentencesJsonl(), columns, padding.tokenizingWith(tokenizer)), "random");
    assertEquals(10, streamed.size());
    assertEquals(fromList, streamed, "the same batches, the same losses");
  }

  @Test
  void aBadLineStopsTrainingWhenTheStreamReachesItNamingTheLineAndTheFile() throws IOException {
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    Path file = tmp.resolve("sentences-then-a-bad-one.jsonl");
    Files.writeString(file, Files.readString(TinyBert.sentencesJsonl())
        + "{\"text\": \"Chess is a quiet game.\", \"label\": \"games\"}\n");
    TextColumns columns = TextColumns.builder().label2id(config.label2id()).build();
    // 4 steps of 8 read 32 of the 60 good lines (and the loop's look-ahead a batch or two more): line 61 is not.
    assertEquals(4, train("short", config, (tokenizer, padding) -> TextDatasets.streamJsonLines(file, columns,
        padding.tokenizingWith(tokenizer)), "random", 4).size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train("long", config,
        (tokenizer, padding) -> TextDatasets.streamJsonLines(file, columns, padding.tokenizingWith(tokenizer)),
        "random", 10));
    assertTrue(e.getMessage().contains("line 61 of " + file + ": label 'games' in column 'label' is not in label2id"),
        e.getMessage());
  }

  private interface Data {
    TrainerDataset of(TextTokenizer tokenizer, DataCollatorWithPadding padding);
  }

  private List<Object> train(String name, BertConfig config, Data data, String sampling) {
    return train(name, config, data, sampling, 10);
  }

  /** The logged loss of every step. */
  private List<Object> train(String name, BertConfig config, Data data, String sampling, int steps) {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      TinyBert.pretrainedClassifier(model, config);
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve(name).toString()).maxSteps(steps)
          .perDeviceTrainBatchSize(8).learningRate(5e-3).loggingSteps(1).trainSamplingStrategy(sampling)
          .saveStrategy("no").disableTqdm(true).reportTo("none").build();
      try (Trainer trainer = Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
          .trainDataset(data.of(tokenizer, DataCollatorWithPadding.builder(tokenizer).build())).build()) {
        trainer.train();
        return trainer.state().logHistory().stream().filter(r -> r.containsKey("loss")).map(r -> r.get("loss"))
            .toList();
      }
    }
  }

}

package org.trainer4j.transformers.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * HF's {@code label_smoothing_factor} as a training argument: the Trainer then trains and evaluates the tiny BERT
 * with {@code new CrossEntropyLoss(factor)}, whose numbers match HF's LabelSmoother (TrainingParityTest).
 */
class LabelSmoothingFactorTest {
  @TempDir Path tmp;

  private record Run(List<Object> losses, HostArray predictions, Object testLoss) {}

  @Test
  void theOptionTrainsAndEvaluatesExactlyAsTheSmoothedLoss() {
    Run option = fineTune("option", new CrossEntropyLoss(), "--label_smoothing_factor", "0.1");
    Run smoothedLoss = fineTune("loss", new CrossEntropyLoss(0.1));
    Run plain = fineTune("plain", new CrossEntropyLoss());

    assertEquals(6, option.losses().size());
    assertEquals(smoothedLoss, option, "the same losses, predictions and test_loss, bit for bit");
    assertNotEquals(plain.losses(), option.losses(), "smoothing changes the losses: " + plain.losses());
    assertNotEquals(plain.testLoss(), option.testLoss());
  }

  @Test
  void aLossThatCannotSmoothIsRefusedWhenTheTrainerIsBuilt() {
    Loss function = ComputeLossFunc.asLoss("my_loss", (outputs, labels) -> outputs.get("logits").sum());
    String message = assertThrows(IllegalArgumentException.class,
        () -> fineTune("function", function, "--label_smoothing_factor", "0.1")).getMessage();
    assertTrue(message.startsWith("label_smoothing_factor=0.1 needs a loss that can smooth its labels"), message);
    assertTrue(message.contains("the loss 'my_loss' (org.trainer4j.transformers.loss.ComputeLossFunc"), message);
    assertTrue(message.endsWith("or set label_smoothing_factor=0 and smooth the labels in your own loss"), message);

    assertTrue(assertThrows(IllegalArgumentException.class, () -> fineTune("djl", Loss.softmaxCrossEntropyLoss(),
        "--label_smoothing_factor", "0.1")).getMessage().contains("(ai.djl.training.loss.SoftmaxCrossEntropyLoss)"));

    assertEquals("label_smoothing_factor=0.1 is not allowed with new CrossEntropyLoss(0.2), which smooths by 0.2"
        + " already; give the factor once: new CrossEntropyLoss() with the option, or the option at 0",
        assertThrows(IllegalArgumentException.class, () -> fineTune("twice", new CrossEntropyLoss(0.2),
            "--label_smoothing_factor", "0.1")).getMessage());
    assertEquals("label_smoothing_factor=1 is not allowed; use a number in [0, 1) (0: no label smoothing)",
        assertThrows(IllegalArgumentException.class, () -> fineTune("one", new CrossEntropyLoss(),
            "--label_smoothing_factor", "1")).getMessage());
  }

  /** Six steps of the tiny BERT with arguments from a command line, then a prediction on 12 sentences. */
  private Run fineTune(String name, Loss loss, String... options) {
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      TinyBert.pretrainedClassifier(model, config);
      List<Features> examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
          TextColumns.builder().label2id(config.label2id()).build()));
      DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).build();
      TrainingArguments args = TrainingArguments.parse(concat(options, "--output_dir", tmp.resolve(name).toString(),
          "--max_steps", "6", "--per_device_train_batch_size", "8", "--learning_rate", "5e-3", "--logging_steps", "1",
          "--save_strategy", "no", "--disable_tqdm", "true", "--report_to", "none"));
      try (Trainer trainer = Trainer.builder().model(model).loss(loss).args(args).trainDataset(examples, collator)
          .build()) {
        trainer.train();
        PredictionOutput out = trainer.predict(org.trainer4j.core.data.TrainerDataset.of(examples.subList(0, 12),
            collator));
        List<Object> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
            .map(r -> r.get("loss")).toList();
        return new Run(losses, out.predictions(), out.metrics().get("test_loss"));
      }
    }
  }

  private static String[] concat(String[] first, String... second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}

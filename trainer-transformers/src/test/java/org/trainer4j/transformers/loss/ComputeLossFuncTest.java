package org.trainer4j.transformers.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.bert.BertForSequenceClassification;
import org.trainer4j.transformers.bert.PretrainedWeights;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/** A user's loss function (HF's compute_loss_func) drives training and evaluation in place of the built-in loss. */
class ComputeLossFuncTest {
  @TempDir Path tmp;

  /** Cross entropy in which only the examples of class 0 ("weather") count: the model learns to say "weather". */
  private static final ComputeLossFunc ONLY_WEATHER_COUNTS = (outputs, labels) -> {
    NDArray target = labels.get("labels");
    NDArray nll = outputs.get("logits").logSoftmax(-1).gather(target.expandDims(1), 1).squeeze(1).neg();
    NDArray weights = target.eq(0).toType(DataType.FLOAT32, false);
    return nll.mul(weights).sum().div(weights.sum());
  };

  @Test
  void aCustomLossChangesWhatTheModelLearnsAndIsTheEvalLoss() {
    Run plain = fineTune(new CrossEntropyLoss());
    Run custom = fineTune(ComputeLossFunc.asLoss("only_weather", ONLY_WEATHER_COUNTS));

    long weatherExamples = Arrays.stream(custom.labels).filter(l -> l == 0).count();
    assertTrue(weatherExamples > 0 && weatherExamples < custom.labels.length);
    assertTrue(Arrays.stream(custom.predicted).allMatch(p -> p == 0),
        "trained only on weather errors, it predicts weather everywhere: " + Arrays.toString(custom.predicted));
    assertTrue(Arrays.stream(plain.predicted).anyMatch(p -> p != 0),
        "the built-in loss learns the other topics too: " + Arrays.toString(plain.predicted));
    assertNotEquals(plain.evalLoss, custom.evalLoss);
    // The eval loss is the function's value, not cross entropy over every example: the mean over the batches
    // (equal sizes, one batch here) of the loss over the weather examples only.
    assertEquals(custom.weatherOnlyNll, custom.evalLoss, 1e-4);
  }

  @Test
  void aNonScalarResultIsAnError() {
    Loss perExample = ComputeLossFunc.asLoss("per_example",
        (outputs, labels) -> outputs.get("logits").logSoftmax(-1).neg().max(new int[] {1}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fineTune(perExample));
    assertTrue(e.getMessage().contains("compute_loss_func per_example must return a scalar loss, got an array of"
        + " shape (8)"), e.getMessage());
  }

  @Test
  void aLossNeedsANameAndAFunction() {
    assertEquals("a loss needs a name, got ' '",
        assertThrows(IllegalArgumentException.class, () -> ComputeLossFunc.asLoss(" ", ONLY_WEATHER_COUNTS))
            .getMessage());
    assertEquals("compute_loss_func must not be null",
        assertThrows(IllegalArgumentException.class, () -> ComputeLossFunc.asLoss("x", null)).getMessage());
  }

  private record Run(int[] predicted, int[] labels, double evalLoss, double weatherOnlyNll) {}

  private Run fineTune(Loss loss) {
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      List<Features> examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
          TextColumns.builder().label2id(config.label2id()).build()));
      DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).build();
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve(loss.getName()).toString())
          .maxSteps(15).perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(examples.size()).learningRate(5e-3)
          .saveStrategy("no").disableTqdm(true).reportTo("none").build();
      try (Trainer trainer = Trainer.builder().model(model).loss(loss).args(args)
          .trainDataset(examples, collator).build()) {
        trainer.train();
        TrainerDataset eval = TrainerDataset.of(examples, collator);
        PredictionOutput out = trainer.predict(eval);
        double evalLoss = ((Number) out.metrics().get("test_loss")).doubleValue();
        int[] labels = out.labelIds().orElseThrow().asInts();
        return new Run(out.predictions().argmaxRows(), labels, evalLoss, weatherOnlyNll(out, labels));
      }
    }
  }

  /** The mean negative log-probability of the true class over the weather examples, from the predicted logits. */
  private static double weatherOnlyNll(PredictionOutput out, int[] labels) {
    int classes = out.predictions().rowLength();
    double sum = 0;
    int count = 0;
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] != 0) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, out.predictions().get(r * classes + c));
      }
      double norm = 0;
      for (int c = 0; c < classes; c++) {
        norm += Math.exp(out.predictions().get(r * classes + c) - max);
      }
      sum += -(out.predictions().get(r * classes) - max - Math.log(norm));
      count++;
    }
    return sum / count;
  }
}

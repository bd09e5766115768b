package org.trainer4j.transformers.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.engine.ComputeLoss;
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
 * HF's {@code compute_loss} override through {@code Trainer.builder().computeLoss(...)}: distillation, which needs
 * the batch's inputs (the teacher runs on them) and so cannot be a {@code compute_loss_func}. A student that never
 * sees a label learns to answer as a fine-tuned teacher does, and {@code test_loss} is the function's value on the
 * teacher's answers.
 */
class DistillationComputeLossTest {
  @TempDir Path tmp;

  @Test
  void aStudentDistilledFromATeacherThroughTheInputsAnswersAsTheTeacher() {
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model teacher = Model.newInstance("teacher");
        Model student = Model.newInstance("student")) {
      List<Features> examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
          TextColumns.builder().label2id(config.label2id()).build()));
      TrainerDataset all = TrainerDataset.of(examples, DataCollatorWithPadding.builder(tokenizer).build());

      TinyBert.pretrainedClassifier(teacher, config);
      int[] teacherAnswers;
      try (Trainer trainer = Trainer.builder().model(teacher).loss(new CrossEntropyLoss()).args(args("teacher"))
          .trainDataset(all).build()) {
        trainer.train();
        teacherAnswers = trainer.predict(all).predictions().argmaxRows();
      }
      assertEquals(3, Arrays.stream(teacherAnswers).distinct().count(), "the teacher tells the 3 topics apart");

      // Hard-label distillation: cross entropy of the student's logits against the teacher's answers on the same
      // inputs; the batch's labels are not used.
      CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
      ComputeLoss distillation = (model, inputs, labels) -> {
        NDList outputs = model.forward(inputs);
        NDArray answers = teacher.getBlock().forward(new ParameterStore(inputs.head().getManager(), false), inputs,
            false).get("logits").argMax(-1);
        return new ComputeLoss.Result(crossEntropy.evaluate(new NDList(answers), outputs), outputs);
      };
      TinyBert.pretrainedClassifier(student, config); // the teacher's starting point, not its fine-tuned weights
      try (Trainer trainer = Trainer.builder().model(student).computeLoss(distillation).args(args("student"))
          .trainDataset(all).build()) {
        PredictionOutput before = trainer.predict(all);
        trainer.train();
        PredictionOutput after = trainer.predict(all);

        assertEquals(meanNll(before.predictions(), teacherAnswers), testLoss(before), 1e-4,
            "test_loss is the function's value, computed with the teacher on the batch's inputs");
        assertEquals(meanNll(after.predictions(), teacherAnswers), testLoss(after), 1e-4);
        assertTrue(testLoss(after) < testLoss(before) / 2, testLoss(before) + " -> " + testLoss(after));
        int agreeBefore = agreement(teacherAnswers, before.predictions().argmaxRows());
        int agreeAfter = agreement(teacherAnswers, after.predictions().argmaxRows());
        assertTrue(agreeAfter >= 45 && agreeAfter >= agreeBefore + 15,
            "the student answers as the teacher on " + agreeBefore + " -> " + agreeAfter + " of 60 sentences");
      }
    }
  }

  private TrainingArguments args(String name) {
    return TrainingArguments.builder().outputDir(tmp.resolve(name).toString()).maxSteps(45)
        .perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(60).learningRate(5e-3).saveStrategy("no")
        .disableTqdm(true).reportTo("none").build();
  }

  private static double testLoss(PredictionOutput out) {
    return ((Number) out.metrics().get("test_loss")).doubleValue();
  }

  private static int agreement(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return same;
  }

  /** The mean negative log-probability of the given classes, in double precision from the logits. */
  private static double meanNll(HostArray logits, int[] classes) {
    int width = logits.rowLength();
    double sum = 0;
    for (int r = 0; r < classes.length; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < width; c++) {
        max = Math.max(max, logits.get(r * width + c));
      }
      double norm = 0;
      for (int c = 0; c < width; c++) {
        norm += Math.exp(logits.get(r * width + c) - max);
      }
      sum += -(logits.get(r * width + classes[r]) - max - Math.log(norm));
    }
    return sum / classes.length;
  }
}

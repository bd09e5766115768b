package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.optim.Optimizers;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextExample;
import org.trainer4j.transformers.text.TextTokenizer;
import org.trainer4j.transformers.torchscript.TorchScriptBlock;
import org.trainer4j.transformers.torchscript.TorchScriptModel;

/**
 * The native BERT (and its TorchScript trace) trained by today's Trainer ({@code adamw_torch}, linear schedule with warmup, gradient clipping,
 * weight decay) against PyTorch's per-step losses from make_tiny_bert.py: same initial weights, same batches, no
 * dropout, 40 steps.
 */
class TrainingParityTest {
  private static final int SEED = 42;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0, 1})
  void perStepLossesOfTheNativeBlockMatchPyTorchOver40Steps(int runIndex) {
    JsonNode run = TinyBert.reference().path("training").get(runIndex);
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    try (Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      assertMatchesPyTorch(run, train(model, run, a -> {}));
    }
  }

  /**
   * The same while the garbage collector runs all the time: DJL makes an array from a Java number (such as {@code
   * x.mul(0.125f)}) on a direct buffer that only the array's Java object keeps alive; when PyTorch's autograd saves
   * that array for the backward pass and the Java object is collected first, the backward reads freed memory, and the
   * losses drift or turn NaN. Run 1 (label smoothing, padding to a multiple of 8) covers the loss's scalars too.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0, 1})
  void perStepLossesMatchPyTorchWhileTheGarbageCollectorRuns(int runIndex) throws InterruptedException {
    JsonNode run = TinyBert.reference().path("training").get(runIndex);
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withoutDropout();
    Thread collector = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
      }
    }, "gc-all-the-time");
    collector.setDaemon(true);
    try (Model model = Model.newInstance("tiny-bert")) {
      TinyBert.pretrainedClassifier(model, config);
      collector.start();
      List<Double> losses = train(model, run, a -> {});
      collector.interrupt();
      collector.join();
      assertMatchesPyTorch(run, losses);
    } finally {
      collector.interrupt();
    }
  }

  /**
   * The same classifier traced by export_torchscript.py, trained through DJL's PyTorch engine, with an evaluation
   * every 10 steps: the case that fails with PyTorch's graph optimizer on ("Inference tensors cannot be saved for
   * backward").
   */
  @Test
  void perStepLossesOfTheTorchScriptTraceMatchPyTorchWithEvaluationsBetweenSteps() {
    JsonNode run = TinyBert.reference().path("training").get(0);
    try (Model model = TorchScriptModel.load(TinyBert.dir().resolve("tiny-bert-classifier.pt"))) {
      TorchScriptBlock block = (TorchScriptBlock) model.getBlock();
      // HF's tokenizer order, not the collator's (input_ids, attention_mask, token_type_ids): arrays go by name.
      assertEquals(List.of("input_ids", "token_type_ids", "attention_mask"), block.inputNames());
      assertEquals(41, Optimizers.trainableParameters(block).size(), "every parameter trains (trainParam=true)");
      assertMatchesPyTorch(run, train(model, run, a -> a.evalStrategy("steps").evalSteps(10)));
    }
  }

  /** Trains the model on the run's batches with the run's settings; returns the loss of each training step. */
  private List<Double> train(Model model, JsonNode run, Consumer<TrainingArguments.Builder> more) {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    List<TextExample> sentences = TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
        TextColumns.builder().label2id(config.label2id()).build());
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      List<Features> features = tokenizer.tokenize(sentences);
      DataCollatorWithPadding.Builder collator = DataCollatorWithPadding.builder(tokenizer);
      if (!run.path("pad_to_multiple_of").isNull()) {
        collator.padToMultipleOf(run.path("pad_to_multiple_of").asInt());
      }
      int batchSize = run.path("batches").get(0).size();
      RecordingLoss loss = new RecordingLoss(new CrossEntropyLoss(run.path("label_smoothing_factor").asDouble()));
      TrainingArguments.Builder args = TrainingArguments.builder().outputDir(tmp.toString()).seed(SEED)
          .maxSteps(run.path("batches").size()).perDeviceTrainBatchSize(batchSize)
          .learningRate(run.path("learning_rate").asDouble()).weightDecay(run.path("weight_decay").asDouble())
          .warmupSteps(run.path("warmup_steps").asInt()).maxGradNorm(run.path("max_grad_norm").asDouble())
          .saveStrategy("no").loggingSteps(1000).disableTqdm(true).reportTo("none");
      more.accept(args);
      try (Trainer trainer = Trainer.builder().model(model).loss(loss).args(args.build())
          .trainDataset(inReferenceOrder(run.path("batches"), features, collator.build())).trainSampler(Sampler.sequential())
          .evalDataset(features.subList(0, 12), collator.build()).build()) {
        trainer.train();
      }
      return loss.trainingValues;
    }
  }

  private static void assertMatchesPyTorch(JsonNode run, List<Double> losses) {
    double[] expected = new double[run.path("losses").size()];
    Arrays.setAll(expected, i -> run.path("losses").get(i).asDouble());
    assertEquals(expected.length, losses.size());
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(losses.get(i) - expected[i]) / Math.abs(expected[i]));
    }
    assertTrue(worst <= 1e-5, run.path("name").asText() + ": largest relative difference from PyTorch's losses "
        + worst + "; Java " + losses + ", PyTorch " + Arrays.toString(expected));
  }

  /** The reference run's examples in its batch order; a sequential sampler hands them out so. */
  private static TrainerDataset inReferenceOrder(JsonNode batches, List<Features> features,
      DataCollatorWithPadding collator) {
    List<Features> sequence = new ArrayList<>();
    batches.forEach(b -> b.forEach(i -> sequence.add(features.get(i.asInt()))));
    return TrainerDataset.of(sequence, collator);
  }

  /** The loss of each training step, as the loss computed it. */
  private static final class RecordingLoss extends Loss {
    private final Loss loss;
    private final List<Double> trainingValues = new ArrayList<>();

    RecordingLoss(Loss loss) {
      super(loss.getName());
      this.loss = loss;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray value = loss.evaluate(labels, predictions);
      if (JniUtils.isGradMode()) { // inside the Trainer's gradient collector: a training step, not an evaluation
        trainingValues.add((double) value.toType(DataType.FLOAT32, false).getFloat());
      }
      return value;
    }
  }
}

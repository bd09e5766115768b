package org.trainer4j.core.internal.engine;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/**
 * A run as a CPU user's program does it (arguments first, then the model), with checkpoints, the best
 * model loaded at the end and a resume: everything that used to print engine noise. Run by
 * CpuEngineNoiseTest in a fresh JVM.
 */
public final class QuietRunChild {
  private QuietRunChild() {}

  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    TrainingArguments.Builder arguments = TrainingArguments.builder().outputDir(out.toString()).reportTo("none")
        .perDeviceTrainBatchSize(4).numTrainEpochs(2).evalStrategy("epoch").saveStrategy("epoch")
        .loadBestModelAtEnd(true).disableTqdm(true);
    System.out.println("CUDA probe level: " + System.getProperty(CpuEngineNoise.CUDA_PROBE_LEVEL));
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, arguments.build()).train();
    }
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, arguments.resumeFromCheckpoint(out.resolve("checkpoint-2").toString()).build()).train();
    }
    System.out.println("done");
  }

  private static Trainer trainer(Model model, TrainingArguments args) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .trainDataset(Fixtures.dataset(Fixtures.blobs(8, 1))).evalDataset(Fixtures.dataset(Fixtures.blobs(4, 2)))
        .build();
  }
}

package org.trainer4j.core.checkpoint;

import ai.djl.Model;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.TrainingArguments;

/**
 * The training that {@link KillAndResumeTest} runs in a child JVM and kills: a 1M-parameter MLP (so
 * that saves take long enough to be interrupted), saving every step. Resumes when checkpoints exist.
 * At the end writes {@code final.safetensors} and {@code losses.txt}.
 */
public final class ResumeChild {
  public static void main(String[] argv) throws Exception {
    Path out = Path.of(argv[0]);
    int maxSteps = Integer.parseInt(argv[1]);
    try (Model model = Model.newInstance("big")) {
      model.setBlock(new SequentialBlock()
          .add(Linear.builder().setUnits(1024).build()).add(Activation::relu)
          .add(Dropout.builder().optRate(0.2f).build())
          .add(Linear.builder().setUnits(512).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      TrainingArguments args = TrainingArguments.builder().outputDir(out.toString()).reportTo("none")
          .maxSteps(maxSteps).perDeviceTrainBatchSize(4).gradientAccumulationSteps(2).learningRate(1e-3)
          .loggingSteps(3).saveSteps(1).saveTotalLimit(2).disableTqdm(true).seed(11).build();
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(Fixtures.dataset(Fixtures.blobs(40, 3))).build();
      boolean resume = Checkpoints.latest(out).isPresent();
      System.out.println("started resume=" + resume);
      trainer.train(resume);
      ModelWeights.save(model.getBlock(), out.resolve("final.safetensors"));
      List<String> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
          .map(r -> r.get("step") + " " + r.get("loss")).collect(Collectors.toList());
      Files.write(out.resolve("losses.txt"), losses);
    }
  }
}

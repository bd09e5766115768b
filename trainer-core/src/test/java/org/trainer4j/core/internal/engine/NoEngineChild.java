package org.trainer4j.core.internal.engine;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** Builds a Trainer as a newcomer's first program does; run by EngineCheckTest without the engine jars. */
public final class NoEngineChild {
  private NoEngineChild() {}

  public static void main(String[] args) {
    try (Model model = Fixtures.mlp(2)) {
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(args[0]).reportTo("none").build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(8, 1))).build().train();
      System.out.println("trained");
    } catch (IllegalStateException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}

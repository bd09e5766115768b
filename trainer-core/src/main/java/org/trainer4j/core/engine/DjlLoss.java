package org.trainer4j.core.engine;

import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/** {@link ComputeLoss#of}: the model run once, then a DJL loss ({@code loss.evaluate(labels, outputs)}). */
record DjlLoss(Loss loss) implements ComputeLoss {
  @Override
  public Result compute(ModelCall model, NDList inputs, NDList labels) {
    NDList outputs = model.forward(inputs);
    return new Result(loss.evaluate(labels, outputs), outputs);
  }
}

package org.trainer4j.core.engine;

import ai.djl.ndarray.NDList;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ComputeLoss#of}: the model run once, then a DJL loss ({@code loss.evaluate(labels, outputs)}). */
record DjlLoss(Loss loss) implements ComputeLoss {
  private static final Logger LOG = LoggerFactory.getLogger(DjlLoss.class);

  DjlLoss {
    if (loss instanceof L2Loss) {
      LOG.warn("DJL's L2Loss multiplies by 1/2 with a Java number that the garbage collector can free before the"
          + " backward pass reads it (wrong gradients, now and then, with no error); use"
          + " MeanSquaredErrorLoss.halved() (org.trainer4j.core.engine), the same numbers without the hazard");
    }
  }

  @Override
  public Result compute(ModelCall model, NDList inputs, NDList labels) {
    NDList outputs = model.forward(inputs);
    return new Result(loss.evaluate(labels, outputs), outputs);
  }
}

package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * PyTorch's {@code torch.optim.AdamW} (non-amsgrad): decoupled weight decay {@code p -= lr*wd*p}, then
 * {@code m = b1*m + (1-b1)*g}, {@code v = b2*v + (1-b2)*g²} and {@code p -= lr/(1-b1^t) * m /
 * (sqrt(v)/sqrt(1-b2^t) + eps)}.
 */
public final class AdamW implements Optimizer {
  private final List<NamedParameter> parameters;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final NDManager stateManager;
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private long steps;

  public AdamW(List<NamedParameter> parameters, double beta1, double beta2, double epsilon, double weightDecay) {
    this.parameters = List.copyOf(parameters);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.stateManager = parameters.isEmpty()
        ? NDManager.newBaseManager()
        : parameters.get(0).array().getManager().newSubManager();
    this.firstMoments = new NDArray[parameters.size()];
    this.secondMoments = new NDArray[parameters.size()];
    for (int i = 0; i < parameters.size(); i++) {
      NDArray p = parameters.get(i).array();
      firstMoments[i] = stateManager.zeros(p.getShape(), p.getDataType());
      secondMoments[i] = stateManager.zeros(p.getShape(), p.getDataType());
    }
  }

  @Override
  public String name() {
    return "adamw_torch";
  }

  @Override
  public void step(double lr) {
    steps++;
    double biasCorrection1 = 1 - Math.pow(beta1, steps);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
    double stepSize = lr / biasCorrection1;
    for (int i = 0; i < parameters.size(); i++) {
      NamedParameter param = parameters.get(i);
      NDArray p = param.array();
      try (NDArray g = p.getGradient()) {
        if (param.decay() && weightDecay != 0) {
          p.muli(1 - lr * weightDecay);
        }
        NDArray m = firstMoments[i];
        NDArray v = secondMoments[i];
        try (NDArray gScaled = g.mul(1 - beta1);
            NDArray gSquared = g.square().muli(1 - beta2)) {
          m.muli(beta1).addi(gScaled);
          v.muli(beta2).addi(gSquared);
        }
        try (NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi(epsilon);
            NDArray update = m.div(denom).muli(stepSize)) {
          p.subi(update);
        }
      }
    }
  }

  @Override
  public long stepCount() {
    return steps;
  }

  @Override
  public OptimizerState state() {
    java.util.Map<String, NDArray> arrays = new java.util.LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      arrays.put(parameters.get(i).name() + ".exp_avg", firstMoments[i]);
      arrays.put(parameters.get(i).name() + ".exp_avg_sq", secondMoments[i]);
    }
    return new OptimizerState(arrays, java.util.Map.of("optimizer", name(), "step", steps));
  }

  @Override
  public void loadState(OptimizerState state) {
    for (int i = 0; i < parameters.size(); i++) {
      copyInto(state, parameters.get(i).name() + ".exp_avg", firstMoments[i]);
      copyInto(state, parameters.get(i).name() + ".exp_avg_sq", secondMoments[i]);
    }
    steps = ((Number) state.scalars().get("step")).longValue();
  }

  private static void copyInto(OptimizerState state, String name, NDArray target) {
    NDArray source = state.arrays().get(name);
    if (source == null || !source.getShape().equals(target.getShape())) {
      throw new IllegalArgumentException("optimizer state " + name + " is "
          + (source == null ? "missing" : "of shape " + source.getShape()) + "; expected shape " + target.getShape());
    }
    target.set(source.toByteBuffer());
  }

  @Override
  public void close() {
    stateManager.close();
  }
}

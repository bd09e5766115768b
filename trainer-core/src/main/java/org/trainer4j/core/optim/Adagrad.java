package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.KeywordArguments.require;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.Adagrad}: {@code g = g + wd*p} (coupled L2), {@code clr = lr / (1 +
 * (t-1)*lr_decay)}, {@code sum += g²}, {@code p -= clr * g / (sqrt(sum) + eps)}.
 *
 * <p>State per parameter: {@code sum}, starting at {@code initial_accumulator_value}.
 */
public final class Adagrad extends TorchOptimizer {
  private final Settings settings;

  /**
   * Adagrad's settings. HF feeds {@code weight_decay}; {@code lr_decay}, {@code
   * initial_accumulator_value} and {@code eps} come from {@code optim_args}.
   */
  public record Settings(double weightDecay, double lrDecay, double initialAccumulatorValue, double epsilon) {
    public Settings {
      require(weightDecay >= 0, "weight_decay", weightDecay, "0 or more");
      require(lrDecay >= 0, "lr_decay", lrDecay, "0 or more");
      require(initialAccumulatorValue >= 0, "initial_accumulator_value", initialAccumulatorValue, "0 or more");
      require(epsilon >= 0, "eps", epsilon, "0 or more");
    }

    /** PyTorch's defaults: lr_decay 0, initial_accumulator_value 0, eps 1e-10, no weight decay. */
    public static Settings defaults() {
      return new Settings(0, 0, 0, 1e-10);
    }
  }

  public Adagrad(List<NamedParameter> parameters, Settings settings) {
    super("adagrad", parameters, settings.weightDecay(),
        Map.of("sum", (float) settings.initialAccumulatorValue()));
    this.settings = settings;
  }

  @Override
  void update(NDArray param, NDArray grad, double lr, double weightDecay, Map<String, NDArray> state,
      long step, Scratch scratch) {
    NDArray g = withL2Penalty(param, grad, weightDecay, scratch);
    double clr = lr / (1 + (step - 1) * settings.lrDecay());
    NDArray sum = state.get("sum");
    sum.addi(scratch.keep(g.mul(g)));
    NDArray std = scratch.keep(sum.sqrt()).addi(settings.epsilon());
    param.addi(scratch.keep(g.mul(-clr)).divi(std));
  }

  @Override
  Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("weight_decay", settings.weightDecay());
    h.put("lr_decay", settings.lrDecay());
    h.put("initial_accumulator_value", settings.initialAccumulatorValue());
    h.put("eps", settings.epsilon());
    return h;
  }
}

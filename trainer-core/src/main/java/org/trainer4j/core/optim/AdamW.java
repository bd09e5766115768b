package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.KeywordArguments.require;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.AdamW}: decoupled weight decay {@code p *= 1 - lr*wd}, then {@code m =
 * b1*m + (1-b1)*g}, {@code v = b2*v + (1-b2)*g²} and {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t)
 * + eps)}; with {@code amsgrad}, {@code v} in the denominator is the running maximum of {@code v}.
 *
 * <p>State per parameter: {@code exp_avg}, {@code exp_avg_sq} and, with amsgrad, {@code max_exp_avg_sq}.
 */
public final class AdamW extends TorchOptimizer {
  private final Settings settings;

  /**
   * AdamW's settings. HF feeds them from {@code adam_beta1}, {@code adam_beta2}, {@code adam_epsilon}
   * and {@code weight_decay}; {@code amsgrad} comes from {@code optim_args}.
   */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay, boolean amsgrad) {
    public Settings {
      require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "a number in [0, 1)");
      require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "a number in [0, 1)");
      require(epsilon >= 0, "eps", epsilon, "0 or more");
      require(weightDecay >= 0, "weight_decay", weightDecay, "0 or more");
    }

    /** HF's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay, no amsgrad. */
    public static Settings defaults() {
      return new Settings(0.9, 0.999, 1e-8, 0, false);
    }
  }

  public AdamW(List<NamedParameter> parameters, Settings settings) {
    super("adamw_torch", parameters, settings.weightDecay(), stateOf(settings));
    this.settings = settings;
  }

  private static Map<String, Float> stateOf(Settings settings) {
    Map<String, Float> state = new LinkedHashMap<>();
    state.put("exp_avg", 0f);
    state.put("exp_avg_sq", 0f);
    if (settings.amsgrad()) {
      state.put("max_exp_avg_sq", 0f);
    }
    return state;
  }

  @Override
  void update(NDArray param, NDArray grad, double lr, double weightDecay, Map<String, NDArray> state,
      long step, Scratch scratch) {
    if (weightDecay != 0) {
      param.muli(1 - lr * weightDecay);
    }
    NDArray expAvg = state.get("exp_avg");
    NDArray expAvgSq = state.get("exp_avg_sq");
    expAvg.muli(settings.beta1()).addi(scratch.keep(grad.mul(1 - settings.beta1())));
    // PyTorch's addcmul order: ((1-b2) * g) * g.
    expAvgSq.muli(settings.beta2()).addi(scratch.keep(grad.mul(1 - settings.beta2())).muli(grad));
    double biasCorrection1 = 1 - Math.pow(settings.beta1(), step);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(settings.beta2(), step));
    double stepSize = lr / biasCorrection1;
    NDArray second = expAvgSq;
    if (settings.amsgrad()) {
      NDArray max = state.get("max_exp_avg_sq");
      replace(max, max.maximum(expAvgSq));
      second = max;
    }
    NDArray denom = scratch.keep(second.sqrt()).divi(biasCorrection2Sqrt).addi(settings.epsilon());
    // PyTorch's addcdiv order: (-step_size * m) / denom.
    param.addi(scratch.keep(expAvg.mul(-stepSize)).divi(denom));
  }

  @Override
  Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("beta1", settings.beta1());
    h.put("beta2", settings.beta2());
    h.put("eps", settings.epsilon());
    h.put("weight_decay", settings.weightDecay());
    h.put("amsgrad", settings.amsgrad());
    return h;
  }
}

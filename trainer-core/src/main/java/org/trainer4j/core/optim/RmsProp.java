package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.KeywordArguments.require;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.RMSprop}: {@code g = g + wd*p} (coupled L2), {@code sq = alpha*sq +
 * (1-alpha)*g²}; centered: {@code ga = alpha*ga + (1-alpha)*g} and {@code avg = sqrt(sq - ga²) + eps},
 * else {@code avg = sqrt(sq) + eps}; with momentum {@code buf = momentum*buf + g/avg} and {@code p -=
 * lr*buf}, else {@code p -= lr * g/avg}.
 *
 * <p>State per parameter: {@code square_avg}, {@code momentum_buffer} (with momentum) and {@code
 * grad_avg} (centered).
 */
public final class RmsProp extends TorchOptimizer {
  private final Settings settings;

  /**
   * RMSprop's settings. HF feeds {@code weight_decay}; {@code alpha}, {@code eps}, {@code momentum} and
   * {@code centered} come from {@code optim_args}.
   */
  public record Settings(double weightDecay, double alpha, double epsilon, double momentum, boolean centered) {
    public Settings {
      require(weightDecay >= 0, "weight_decay", weightDecay, "0 or more");
      require(alpha >= 0, "alpha", alpha, "0 or more");
      require(epsilon >= 0, "eps", epsilon, "0 or more");
      require(momentum >= 0, "momentum", momentum, "0 or more");
    }

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay. */
    public static Settings defaults() {
      return new Settings(0, 0.99, 1e-8, 0, false);
    }
  }

  public RmsProp(List<NamedParameter> parameters, Settings settings) {
    super("rmsprop", parameters, settings.weightDecay(), stateOf(settings));
    this.settings = settings;
  }

  private static Map<String, Float> stateOf(Settings settings) {
    Map<String, Float> state = new LinkedHashMap<>();
    state.put("square_avg", 0f);
    if (settings.momentum() > 0) {
      state.put("momentum_buffer", 0f);
    }
    if (settings.centered()) {
      state.put("grad_avg", 0f);
    }
    return state;
  }

  @Override
  void update(NDArray param, NDArray grad, double lr, double weightDecay, Map<String, NDArray> state,
      long step, Scratch scratch) {
    NDArray g = withL2Penalty(param, grad, weightDecay, scratch);
    double alpha = settings.alpha();
    NDArray squareAvg = state.get("square_avg");
    squareAvg.muli(alpha).addi(scratch.keep(g.mul(1 - alpha)).muli(g));
    NDArray avg;
    if (settings.centered()) {
      NDArray gradAvg = state.get("grad_avg");
      gradAvg.muli(alpha).addi(scratch.keep(g.mul(1 - alpha)));
      NDArray variance = scratch.keep(squareAvg.sub(scratch.keep(gradAvg.mul(gradAvg))));
      avg = scratch.keep(variance.sqrt());
    } else {
      avg = scratch.keep(squareAvg.sqrt());
    }
    avg.addi(settings.epsilon());
    if (settings.momentum() > 0) {
      NDArray buffer = state.get("momentum_buffer");
      buffer.muli(settings.momentum()).addi(scratch.keep(g.div(avg)));
      param.addi(scratch.keep(buffer.mul(-lr)));
    } else {
      param.addi(scratch.keep(g.mul(-lr)).divi(avg));
    }
  }

  @Override
  Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("weight_decay", settings.weightDecay());
    h.put("alpha", settings.alpha());
    h.put("eps", settings.epsilon());
    h.put("momentum", settings.momentum());
    h.put("centered", settings.centered());
    return h;
  }
}

package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.KeywordArguments.require;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PyTorch's {@code torch.optim.SGD}: {@code d = g + wd*p} (coupled L2); with momentum, {@code buf = d}
 * on the first step and {@code buf = momentum*buf + (1-dampening)*d} after, then {@code d = buf}, or
 * {@code d = d + momentum*buf} with Nesterov; finally {@code p -= lr*d}.
 *
 * <p>State per parameter: {@code momentum_buffer} (with momentum, from the first step on).
 */
public final class Sgd extends TorchOptimizer {
  private static final String BUFFER = "momentum_buffer";
  private final Settings settings;

  /**
   * SGD's settings. HF feeds {@code weight_decay}; {@code momentum}, {@code dampening} and {@code
   * nesterov} come from {@code optim_args}.
   */
  public record Settings(double weightDecay, double momentum, double dampening, boolean nesterov) {
    public Settings {
      require(weightDecay >= 0, "weight_decay", weightDecay, "0 or more");
      require(momentum >= 0, "momentum", momentum, "0 or more");
      require(!Double.isNaN(dampening), "dampening", dampening, "a number");
      if (nesterov && (momentum <= 0 || dampening != 0)) {
        throw new IllegalArgumentException("nesterov=true is not allowed with momentum=" + momentum
            + " and dampening=" + dampening + "; Nesterov momentum needs momentum > 0 and dampening=0");
      }
    }

    /** PyTorch's defaults: plain SGD without momentum or weight decay. */
    public static Settings defaults() {
      return new Settings(0, 0, 0, false);
    }
  }

  public Sgd(List<NamedParameter> parameters, Settings settings) {
    super("sgd", parameters, settings.weightDecay(),
        settings.momentum() != 0 ? Map.of(BUFFER, 0f) : Map.of());
    this.settings = settings;
  }

  @Override
  Set<String> liveStateNames(long steps) {
    // PyTorch creates the momentum buffer at the first step, as a copy of the first update.
    return steps == 0 ? Set.of() : super.liveStateNames(steps);
  }

  @Override
  void update(NDArray param, NDArray grad, double lr, double weightDecay, Map<String, NDArray> state,
      long step, Scratch scratch) {
    NDArray d = withL2Penalty(param, grad, weightDecay, scratch);
    if (settings.momentum() != 0) {
      NDArray buffer = state.get(BUFFER);
      if (step == 1) {
        replace(buffer, d.duplicate());
      } else {
        buffer.muli(settings.momentum()).addi(scratch.keep(d.mul(1 - settings.dampening())));
      }
      d = settings.nesterov() ? scratch.keep(buffer.mul(settings.momentum())).addi(d) : buffer;
    }
    param.addi(scratch.keep(d.mul(-lr)));
  }

  @Override
  Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("weight_decay", settings.weightDecay());
    h.put("momentum", settings.momentum());
    h.put("dampening", settings.dampening());
    h.put("nesterov", settings.nesterov());
    return h;
  }
}

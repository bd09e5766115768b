package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the PyTorch-formula optimizers share: per-parameter state arrays allocated up front (so that
 * none is created inside the Trainer's per-step {@link NDScope}), the step loop over gradients,
 * PyTorch's coupled L2 weight decay, and state export and import.
 */
abstract class TorchOptimizer implements Optimizer {
  private static final Logger LOG = LoggerFactory.getLogger(TorchOptimizer.class);
  private static final int LISTED_KEYS = 5;

  private final String name;
  private final List<NamedParameter> parameters;
  private final double weightDecay;
  private final Map<String, Float> stateFill;
  private final NDManager stateManager;
  private final List<Map<String, NDArray>> states = new ArrayList<>();
  private long steps;
  private boolean closed;

  /**
   * @param stateFill the state arrays each parameter gets, PyTorch's name to initial value
   */
  TorchOptimizer(String name, List<NamedParameter> parameters, double weightDecay, Map<String, Float> stateFill) {
    this.name = name;
    this.parameters = List.copyOf(parameters);
    this.weightDecay = weightDecay;
    this.stateFill = new LinkedHashMap<>(stateFill);
    Set<String> names = new HashSet<>();
    for (NamedParameter p : this.parameters) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("parameter name '" + p.name() + "' is used twice; names must be unique");
      }
      if (p.array().getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("parameter " + p.name() + " has data type " + p.array().getDataType()
            + "; the optimizers support float32 parameters");
      }
    }
    this.stateManager = this.parameters.isEmpty()
        ? NDManager.newBaseManager()
        : this.parameters.get(0).array().getManager().newSubManager();
    for (NamedParameter p : this.parameters) {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      this.stateFill.forEach((stateName, fill) -> {
        NDArray array = stateManager.full(p.array().getShape(), fill);
        NDScope.unregister(array);
        arrays.put(stateName, array);
      });
      states.add(arrays);
    }
  }

  /**
   * One parameter's update, as PyTorch's single-tensor implementation does it.
   *
   * @param param the parameter, updated in place
   * @param grad its gradient (read only)
   * @param lr the learning rate of this step
   * @param weightDecay the parameter's weight decay (0 for parameters without decay)
   * @param state the parameter's state arrays, updated in place
   * @param step the step number, from 1
   * @param scratch where temporaries go
   */
  abstract void update(NDArray param, NDArray grad, double lr, double weightDecay, Map<String, NDArray> state,
      long step, Scratch scratch);

  /** The settings, saved with the state, with PyTorch's names. */
  abstract Map<String, Object> hyperparameters();

  /** The state arrays that exist after {@code steps} steps (PyTorch creates some lazily). */
  Set<String> liveStateNames(long steps) {
    return stateFill.keySet();
  }

  /** PyTorch's coupled L2 penalty of SGD, Adagrad and RMSprop: {@code grad + weight_decay * param}. */
  static NDArray withL2Penalty(NDArray param, NDArray grad, double weightDecay, Scratch scratch) {
    return weightDecay == 0 ? grad : scratch.keep(param.mul(weightDecay)).addi(grad);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void step(double learningRate) {
    ensureOpen();
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate " + learningRate + " is not allowed; use a finite number, 0 or more");
    }
    steps++;
    for (int i = 0; i < parameters.size(); i++) {
      NamedParameter p = parameters.get(i);
      // The update writes through a detached view (PyTorch's detach(): the same storage): autograd refuses
      // in-place writes to a weight on a thread where DJL has not turned it off (any but the engine's first).
      try (NDArray param = p.array().stopGradient(); NDArray grad = p.array().getGradient();
          Scratch scratch = new Scratch()) {
        update(param, grad, learningRate, p.decay() ? weightDecay : 0, states.get(i), steps, scratch);
      }
    }
  }

  @Override
  public final long stepCount() {
    return steps;
  }

  @Override
  public final List<NamedParameter> parameters() {
    return parameters;
  }

  @Override
  public final OptimizerState state() {
    ensureOpen();
    Map<String, NDArray> arrays = liveArrays(steps);
    Map<String, Object> scalars = new LinkedHashMap<>();
    scalars.put("optimizer", name);
    scalars.put("step", steps);
    scalars.put("hyperparameters", hyperparameters());
    return new OptimizerState(arrays, scalars);
  }

  @Override
  public final void loadState(OptimizerState state) {
    ensureOpen();
    Object savedName = state.scalars().get("optimizer");
    if (savedName == null) {
      throw new IllegalArgumentException(
          "optimizer state has no 'optimizer' scalar (the optim that saved it); cannot load it into optim=" + name);
    }
    if (!name.equals(savedName)) {
      throw new IllegalArgumentException("optimizer state was saved by optim=" + savedName
          + " and cannot be loaded into optim=" + name);
    }
    long savedStep = savedStep(state.scalars().get("step"));
    Map<String, NDArray> targets = liveArrays(savedStep);
    checkKeys(targets.keySet(), state.arrays().keySet(), savedStep);
    targets.forEach((key, array) -> {
      NDArray saved = state.arrays().get(key);
      if (!saved.getShape().equals(array.getShape()) || saved.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("optimizer state " + key + " is " + saved.getDataType() + " of shape "
            + saved.getShape() + " but the parameter is float32 of shape " + array.getShape());
      }
    });
    if (state.scalars().get("hyperparameters") instanceof Map<?, ?> saved) {
      warnOnChangedSettings(saved);
    }
    // State that did not exist yet at the saved step (SGD's momentum buffer) starts over.
    for (int i = 0; i < parameters.size(); i++) {
      for (Map.Entry<String, NDArray> e : states.get(i).entrySet()) {
        if (!targets.containsKey(key(parameters.get(i), e.getKey()))) {
          e.getValue().set(new NDIndex("..."), stateFill.get(e.getKey()));
        }
      }
    }
    // Indexed copies, not set(Buffer), which makes PyTorch print a deprecation warning.
    targets.forEach((key, array) -> array.set(new NDIndex("..."), state.arrays().get(key)));
    steps = savedStep;
  }

  /** The state arrays that exist after {@code steps} steps, by checkpoint name. */
  private Map<String, NDArray> liveArrays(long steps) {
    Set<String> live = liveStateNames(steps);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      for (Map.Entry<String, NDArray> e : states.get(i).entrySet()) {
        if (live.contains(e.getKey())) {
          arrays.put(key(parameters.get(i), e.getKey()), e.getValue());
        }
      }
    }
    return arrays;
  }

  private static long savedStep(Object step) {
    if (!(step instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw new IllegalArgumentException("optimizer state scalar 'step' is " + step
          + "; expected a whole number, 0 or more");
    }
    return n.longValue();
  }

  /**
   * Puts a newly computed array in place of a state array, natively (no copy through the heap). The
   * state array keeps its identity and owner; {@code fresh} is released.
   */
  static void replace(NDArray stateArray, NDArray fresh) {
    stateArray.intern(fresh);
  }

  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      stateManager.close();
    }
  }

  private static String key(NamedParameter p, String stateName) {
    return "state." + p.name() + "." + stateName;
  }

  private void checkKeys(Set<String> expected, Set<String> saved, long savedStep) {
    List<String> missing = expected.stream().filter(k -> !saved.contains(k)).toList();
    List<String> unexpected = saved.stream().filter(k -> !expected.contains(k)).toList();
    if (missing.isEmpty() && unexpected.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder("optimizer state (optim=" + name + ", step " + savedStep
        + ") does not match this model's parameters:");
    if (!missing.isEmpty()) {
      message.append(" missing ").append(listed(missing));
    }
    if (!unexpected.isEmpty()) {
      message.append(missing.isEmpty() ? "" : ";").append(" unexpected ").append(listed(unexpected));
    }
    throw new IllegalArgumentException(message.toString());
  }

  private static String listed(List<String> keys) {
    String shown = String.join(", ", keys.subList(0, Math.min(LISTED_KEYS, keys.size())));
    return keys.size() > LISTED_KEYS ? shown + " and " + (keys.size() - LISTED_KEYS) + " more" : shown;
  }

  private void warnOnChangedSettings(Map<?, ?> saved) {
    Map<String, Object> current = hyperparameters();
    List<String> changes = new ArrayList<>();
    Set<String> keys = new HashSet<>(current.keySet());
    saved.keySet().forEach(k -> keys.add(String.valueOf(k)));
    for (String k : keys.stream().sorted().toList()) {
      if (!Objects.equals(comparable(saved.get(k)), comparable(current.get(k)))) {
        changes.add(k + " " + saved.get(k) + " -> " + current.get(k));
      }
    }
    if (!changes.isEmpty()) {
      LOG.warn("optim={} settings differ from the saved state ({}); continuing with the current settings",
          name, String.join(", ", changes));
    }
  }

  private static Object comparable(Object value) {
    return value instanceof Number n ? (Object) n.doubleValue() : value;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("optim=" + name + " is closed");
    }
  }
}

package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.Reference.floats;
import static org.trainer4j.core.optim.Reference.list;
import static org.trainer4j.core.optim.Reference.map;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Each optimizer, built from TrainingArguments as a user would (optim, optim_args, weight_decay, adam_*),
 * against PyTorch's own optimizer fed the same parameters, gradients and learning rates.
 */
class OptimizerReferenceTest {
  static Stream<Named<Map<String, Object>>> cases() {
    return Reference.cases("optimizers.json");
  }

  static TrainingArguments arguments(Map<String, Object> c) {
    TrainingArguments.Builder b = TrainingArguments.builder()
        .optim((String) c.get("optim"))
        .learningRate(((Number) c.get("learning_rate")).doubleValue())
        .weightDecay(((Number) c.get("weight_decay")).doubleValue())
        .adamBeta1(((Number) c.get("adam_beta1")).doubleValue())
        .adamBeta2(((Number) c.get("adam_beta2")).doubleValue())
        .adamEpsilon(((Number) c.get("adam_epsilon")).doubleValue());
    String optimArgs = (String) c.get("optim_args");
    if (!optimArgs.isEmpty()) {
      b.optimArgs(optimArgs);
    }
    return b.build();
  }

  /** The case's parameters (decayed weight, non-decayed bias) at their initial values. */
  static List<NamedParameter> parameters(NDManager manager, Map<String, Object> c) {
    List<NamedParameter> parameters = new ArrayList<>();
    for (Object p : list(c, "params")) {
      Map<String, Object> spec = map(p);
      parameters.add(new NamedParameter((String) spec.get("name"),
          Reference.parameter(manager, floats(spec.get("initial")), Reference.shape(spec.get("shape"))),
          (Boolean) spec.get("decay")));
    }
    return parameters;
  }

  /** Gives every parameter the gradient of step {@code k}. */
  static void setGradients(List<NamedParameter> parameters, Map<String, Object> c, int k) {
    Map<String, Object> grads = map(list(c, "grads").get(k));
    for (NamedParameter p : parameters) {
      Reference.setGradient(p.array(), floats(grads.get(p.name())));
    }
  }

  static double learningRate(Map<String, Object> c, int k) {
    return ((Number) list(c, "lrs").get(k)).doubleValue();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matchesPyTorchAfterEveryStep(Map<String, Object> c) {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = parameters(manager, c);
      try (Optimizer optimizer = Optimizers.create(arguments(c), parameters)) {
        List<Object> expected = list(c, "expected");
        for (int k = 0; k < expected.size(); k++) {
          setGradients(parameters, c, k);
          optimizer.step(learningRate(c, k));
          for (NamedParameter p : parameters) {
            Reference.assertClose(floats(map(expected.get(k)).get(p.name())), p.array().toFloatArray(),
                c.get("name") + " step " + (k + 1) + " " + p.name());
          }
        }
      }
    }
  }
}

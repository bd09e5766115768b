package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.json.PyJson;

/** Checkpointing optimizer state: save, load into a fresh optimizer, continue bit for bit. */
class OptimizerStateTest {
  static Stream<Named<Map<String, Object>>> cases() {
    return Reference.cases("optimizers.json");
  }

  /** Parameter values after each step, as a checkpoint of the model would keep them. */
  private static Map<String, float[]> values(List<NamedParameter> parameters) {
    Map<String, float[]> values = new LinkedHashMap<>();
    parameters.forEach(p -> values.put(p.name(), p.array().toFloatArray()));
    return values;
  }

  private static void run(Optimizer optimizer, Map<String, Object> c, int from, int to) {
    for (int k = from; k < to; k++) {
      OptimizerReferenceTest.setGradients(optimizer.parameters(), c, k);
      optimizer.step(OptimizerReferenceTest.learningRate(c, k));
    }
  }

  /** What a checkpoint round trip does: scalars through JSON text, arrays through plain floats. */
  @SuppressWarnings("unchecked")
  private static OptimizerState throughCheckpoint(OptimizerState state) {
    String json = PyJson.dumps(state.scalars(), true);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    state.tensors().forEach((k, t) -> tensors.put(k, new HostTensor(new Shape(t.shape().getShape()), t.values())));
    return OptimizerState.fromScalars((Map<String, Object>) PyJson.loads(json), tensors);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void resumedOptimizerEndsBitwiseEqualToAnUninterruptedOne(Map<String, Object> c) {
    TrainingArguments args = OptimizerReferenceTest.arguments(c);
    int steps = Reference.list(c, "expected").size();
    int stop = steps / 2;
    Map<String, float[]> uninterrupted;
    Map<String, float[]> saved;
    OptimizerState checkpoint;
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = OptimizerReferenceTest.parameters(manager, c);
      try (Optimizer optimizer = Optimizers.create(args, parameters)) {
        int arrays = manager.getManagedArrays().size();
        run(optimizer, c, 0, stop);
        assertEquals(arrays, manager.getManagedArrays().size(), "steps leave no native arrays behind");
        saved = values(parameters);
        checkpoint = throughCheckpoint(optimizer.state());
        assertEquals(stop, checkpoint.step());
        run(optimizer, c, stop, steps);
        uninterrupted = values(parameters);
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = new ArrayList<>();
      for (NamedParameter p : OptimizerReferenceTest.parameters(manager, c)) {
        p.array().set(saved.get(p.name()));
        parameters.add(p);
      }
      try (Optimizer optimizer = Optimizers.create(args, parameters)) {
        optimizer.loadState(checkpoint);
        assertEquals(stop, optimizer.stepCount());
        run(optimizer, c, stop, steps);
        assertEquals(steps, optimizer.stepCount());
        Map<String, float[]> resumed = values(parameters);
        for (String name : uninterrupted.keySet()) {
          assertArrayEquals(uninterrupted.get(name), resumed.get(name), c.get("name") + " " + name);
        }
      }
    }
  }

  @Test
  void stateNamesFollowPyTorch() {
    Map<String, List<String>> expected = Map.of(
        "adamw_amsgrad", List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
        "sgd_momentum", List.of("momentum_buffer"),
        "sgd_plain", List.of(),
        "adagrad_defaults", List.of("sum"),
        "rmsprop_centered_momentum_wd", List.of("square_avg", "momentum_buffer", "grad_avg"));
    cases().map(Named::getPayload).filter(c -> expected.containsKey(c.get("name"))).forEach(c -> {
      try (NDManager manager = NDManager.newBaseManager();
          Optimizer optimizer = Optimizers.create(OptimizerReferenceTest.arguments(c),
              OptimizerReferenceTest.parameters(manager, c))) {
        run(optimizer, c, 0, 1);
        List<String> keys = new ArrayList<>();
        for (String p : List.of("weight", "bias")) {
          expected.get(c.get("name")).forEach(s -> keys.add("state." + p + "." + s));
        }
        assertEquals(keys, List.copyOf(optimizer.state().tensors().keySet()), (String) c.get("name"));
      }
    });
  }

  private static Map<String, Object> referenceCase(String name) {
    return cases().map(Named::getPayload).filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow();
  }

  @Test
  void refusesStateOfAnotherOptimizer() {
    Map<String, Object> sgd = referenceCase("sgd_momentum");
    Map<String, Object> adamw = referenceCase("adamw_defaults");
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer a = Optimizers.create(OptimizerReferenceTest.arguments(sgd), OptimizerReferenceTest.parameters(manager, sgd));
        Optimizer b = Optimizers.create(OptimizerReferenceTest.arguments(adamw), OptimizerReferenceTest.parameters(manager, adamw))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(a.state()));
      assertEquals("optimizer state was saved by optim=sgd and cannot be loaded into optim=adamw_torch", e.getMessage());
    }
  }

  @Test
  void refusesStateOfAnotherModelAndChangesNothing() {
    Map<String, Object> c = referenceCase("adamw_weight_decay");
    TrainingArguments args = OptimizerReferenceTest.arguments(c);
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer optimizer = Optimizers.create(args, OptimizerReferenceTest.parameters(manager, c))) {
      run(optimizer, c, 0, 2);
      OptimizerState good = optimizer.state();

      Map<String, HostTensor> missing = new LinkedHashMap<>(good.tensors());
      missing.remove("state.bias.exp_avg_sq");
      missing.put("state.head.exp_avg", good.tensors().get("state.bias.exp_avg"));
      OptimizerState other = new OptimizerState("adamw_torch", 5, good.hyperparameters(), missing);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(other));
      assertEquals("optimizer state (optim=adamw_torch, step 5) does not match this model's parameters: missing"
          + " state.bias.exp_avg_sq; unexpected state.head.exp_avg", e.getMessage());

      Map<String, HostTensor> reshaped = new LinkedHashMap<>(good.tensors());
      reshaped.put("state.weight.exp_avg", new HostTensor(new Shape(4, 3), new float[12]));
      IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
          () -> optimizer.loadState(new OptimizerState("adamw_torch", 5, good.hyperparameters(), reshaped)));
      assertEquals("optimizer state state.weight.exp_avg has shape (4, 3) but the parameter has shape (3, 4)",
          shape.getMessage());

      assertEquals(2, optimizer.stepCount());
      assertEquals(good, optimizer.state());
    }
  }

  @Test
  void sgdStateFromBeforeTheFirstStepRestartsMomentum() {
    Map<String, Object> c = referenceCase("sgd_momentum");
    TrainingArguments args = OptimizerReferenceTest.arguments(c);
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer fresh = Optimizers.create(args, OptimizerReferenceTest.parameters(manager, c));
        Optimizer used = Optimizers.create(args, OptimizerReferenceTest.parameters(manager, c))) {
      OptimizerState initial = fresh.state();
      assertTrue(initial.tensors().isEmpty());
      run(used, c, 0, 3);
      used.loadState(initial);
      assertEquals(0, used.stepCount());
      for (int i = 0; i < 2; i++) {
        used.parameters().get(i).array().set(fresh.parameters().get(i).array().toFloatArray());
      }
      run(fresh, c, 0, 2);
      run(used, c, 0, 2);
      assertEquals(fresh.state(), used.state());
    }
  }

  @Test
  void malformedScalarsAreReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerState.fromScalars(Map.of("optimizer", "sgd", "step", 1.5, "hyperparameters", Map.of()), Map.of()));
    assertEquals("optimizer state: 'step' is 1.5; expected a whole number", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerState.fromScalars(Map.of("step", 1, "hyperparameters", Map.of()), Map.of()));
    assertEquals("optimizer state: 'optimizer' is null; expected a name", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new HostTensor(new Shape(2, 2), new float[3]));
    assertEquals("values has 3 elements but shape (2, 2) needs 4", e.getMessage());
  }

  @Test
  void stepsInsideAnNDScopeKeepTheStateAndLeakNothing() {
    Map<String, Object> c = referenceCase("rmsprop_centered_momentum_wd");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = OptimizerReferenceTest.parameters(manager, c);
      int withoutOptimizer = manager.getManagedArrays().size();
      try (Optimizer optimizer = Optimizers.create(OptimizerReferenceTest.arguments(c), parameters)) {
        int before = manager.getManagedArrays().size();
        for (int k = 0; k < 4; k++) {
          OptimizerReferenceTest.setGradients(parameters, c, k);
          if (k % 2 == 0) {
            // As the Trainer does; the scope must not take the optimizer's state with it.
            try (NDScope scope = new NDScope()) {
              scope.suppressNotUsedWarning();
              optimizer.step(1e-2);
            }
          } else {
            // Without a scope, every temporary must have been closed by the optimizer itself.
            optimizer.step(1e-2);
          }
          assertEquals(before, manager.getManagedArrays().size(), "native arrays after step " + (k + 1));
        }
        assertEquals(12, optimizer.state().tensors().get("state.weight.grad_avg").values().length);
      }
      assertEquals(withoutOptimizer, manager.getManagedArrays().size(), "native arrays after close()");
    }
  }

  @Test
  void rejectsBadLearningRatesParametersAndUseAfterClose() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = Reference.parameter(manager, new float[] {1, 2}, new Shape(2));
      List<NamedParameter> parameters = List.of(new NamedParameter("w", w, true));
      Optimizer optimizer = new Sgd(parameters, Sgd.Settings.defaults());
      for (double bad : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optimizer.step(bad));
        assertEquals("learning rate " + bad + " is not allowed; use a finite number, 0 or more", e.getMessage());
      }
      optimizer.close();
      IllegalStateException closed = assertThrows(IllegalStateException.class, () -> optimizer.step(0.1));
      assertEquals("optim=sgd is closed", closed.getMessage());

      IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
          () -> new AdamW(List.of(parameters.get(0), parameters.get(0)), AdamW.Settings.defaults()));
      assertEquals("parameter name 'w' is used twice; names must be unique", twice.getMessage());
      NDArray doubles = manager.create(new double[] {1, 2});
      assertEquals(DataType.FLOAT64, doubles.getDataType());
      IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
          () -> new Adagrad(List.of(new NamedParameter("d", doubles, true)), Adagrad.Settings.defaults()));
      assertEquals("parameter d has data type float64; the optimizers support float32 parameters", type.getMessage());
    }
  }
}

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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.json.PyJson;

/** Checkpointing optimizer state: save, load into a fresh optimizer, continue bit for bit. */
class OptimizerStateTest {
  @TempDir Path dir;

  static Stream<Named<Map<String, Object>>> cases() {
    return Reference.cases("optimizers.json");
  }

  private static Map<String, Object> referenceCase(String name) {
    return cases().map(Named::getPayload).filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow();
  }

  /** Parameter values, as a checkpoint of the model keeps them. */
  private static Map<String, float[]> values(List<NamedParameter> parameters) {
    Map<String, float[]> values = new LinkedHashMap<>();
    parameters.forEach(p -> values.put(p.name(), p.array().toFloatArray()));
    return values;
  }

  /** The state's arrays copied to the heap, to compare states. */
  private static Map<String, List<Float>> snapshot(OptimizerState state) {
    Map<String, List<Float>> copy = new LinkedHashMap<>();
    state.arrays().forEach((k, a) -> {
      List<Float> values = new ArrayList<>();
      for (float v : a.toFloatArray()) {
        values.add(v);
      }
      copy.put(k, values);
    });
    return copy;
  }

  /** Runs steps {@code from..to-1}; every other step inside an NDScope, as the Trainer runs them. */
  private static void run(Optimizer optimizer, Map<String, Object> c, int from, int to) {
    for (int k = from; k < to; k++) {
      OptimizerReferenceTest.setGradients(optimizer.parameters(), c, k);
      if (k % 2 == 0) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          optimizer.step(OptimizerReferenceTest.learningRate(c, k));
        }
      } else {
        optimizer.step(OptimizerReferenceTest.learningRate(c, k));
      }
    }
  }

  /** What the Trainer's checkpoint does: arrays to safetensors, scalars as JSON in its metadata. */
  @SuppressWarnings("unchecked")
  private OptimizerState throughCheckpoint(OptimizerState state, NDManager manager) throws IOException {
    Path file = dir.resolve("optimizer.safetensors");
    Safetensors.write(file, state.arrays(), Map.of("scalars", PyJson.dumps(state.scalars(), true)));
    Map<String, Object> scalars = (Map<String, Object>) PyJson.loads(Safetensors.readMetadata(file).get("scalars"));
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    Safetensors.read(file).forEach((name, tensor) -> arrays.put(name, tensor.toArray(manager)));
    return new OptimizerState(arrays, scalars);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void resumedOptimizerEndsBitwiseEqualToAnUninterruptedOne(Map<String, Object> c) throws IOException {
    TrainingArguments args = OptimizerReferenceTest.arguments(c);
    int steps = Reference.list(c, "expected").size();
    int stop = steps / 2;
    Map<String, float[]> uninterrupted;
    Map<String, float[]> saved;
    try (NDManager manager = NDManager.newBaseManager(); NDManager loaded = NDManager.newBaseManager()) {
      OptimizerState checkpoint;
      List<NamedParameter> parameters = OptimizerReferenceTest.parameters(manager, c);
      try (Optimizer optimizer = Optimizers.create(args, parameters)) {
        int arrays = manager.getManagedArrays().size();
        run(optimizer, c, 0, stop);
        assertEquals(arrays, manager.getManagedArrays().size(), "steps leave no native arrays behind");
        saved = values(parameters);
        checkpoint = throughCheckpoint(optimizer.state(), loaded);
        run(optimizer, c, stop, steps);
        uninterrupted = values(parameters);
      }

      List<NamedParameter> fresh = OptimizerReferenceTest.parameters(manager, c);
      fresh.forEach(p -> p.array().set(saved.get(p.name())));
      try (Optimizer optimizer = Optimizers.create(args, fresh)) {
        optimizer.loadState(checkpoint);
        loaded.close(); // the optimizer copied what it needs
        assertEquals(stop, optimizer.stepCount());
        run(optimizer, c, stop, steps);
        assertEquals(steps, optimizer.stepCount());
        Map<String, float[]> resumed = values(fresh);
        for (String name : uninterrupted.keySet()) {
          assertArrayEquals(uninterrupted.get(name), resumed.get(name), c.get("name") + " " + name);
        }
      }
    }
  }

  @Test
  void stateNamesAndScalarsFollowPyTorch() {
    Map<String, List<String>> expected = Map.of(
        "adamw_amsgrad", List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
        "sgd_momentum", List.of("momentum_buffer"),
        "sgd_plain", List.of(),
        "adagrad_defaults", List.of("sum"),
        "rmsprop_centered_momentum_wd", List.of("square_avg", "momentum_buffer", "grad_avg"));
    expected.forEach((name, stateNames) -> {
      Map<String, Object> c = referenceCase(name);
      try (NDManager manager = NDManager.newBaseManager();
          Optimizer optimizer = Optimizers.create(OptimizerReferenceTest.arguments(c),
              OptimizerReferenceTest.parameters(manager, c))) {
        run(optimizer, c, 0, 1);
        List<String> keys = new ArrayList<>();
        for (String p : List.of("weight", "bias")) {
          stateNames.forEach(s -> keys.add("state." + p + "." + s));
        }
        OptimizerState state = optimizer.state();
        assertEquals(keys, List.copyOf(state.arrays().keySet()), name);
        assertEquals(c.get("optim"), state.scalars().get("optimizer"));
        assertEquals(1L, state.scalars().get("step"));
      }
    });
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
      Map<String, List<Float>> before = snapshot(good);
      Map<String, Object> scalars = new LinkedHashMap<>(good.scalars());
      scalars.put("step", 5);

      Map<String, NDArray> other = new LinkedHashMap<>(good.arrays());
      other.remove("state.bias.exp_avg_sq");
      other.put("state.head.exp_avg", good.arrays().get("state.bias.exp_avg"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> optimizer.loadState(new OptimizerState(other, scalars)));
      assertEquals("optimizer state (optim=adamw_torch, step 5) does not match this model's parameters: missing"
          + " state.bias.exp_avg_sq; unexpected state.head.exp_avg", e.getMessage());

      Map<String, NDArray> reshaped = new LinkedHashMap<>(good.arrays());
      reshaped.put("state.weight.exp_avg", manager.zeros(new Shape(4, 3)));
      e = assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(new OptimizerState(reshaped, scalars)));
      assertEquals("optimizer state state.weight.exp_avg is float32 of shape (4, 3) but the parameter is float32 of"
          + " shape (3, 4)", e.getMessage());

      Map<String, NDArray> doubles = new LinkedHashMap<>(good.arrays());
      doubles.put("state.bias.exp_avg", manager.zeros(new Shape(4), DataType.FLOAT64));
      e = assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(new OptimizerState(doubles, scalars)));
      assertEquals("optimizer state state.bias.exp_avg is float64 of shape (4) but the parameter is float32 of"
          + " shape (4)", e.getMessage());

      scalars.put("step", 1.5);
      e = assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(new OptimizerState(good.arrays(), scalars)));
      assertEquals("optimizer state scalar 'step' is 1.5; expected a whole number, 0 or more", e.getMessage());
      scalars.remove("optimizer");
      e = assertThrows(IllegalArgumentException.class, () -> optimizer.loadState(new OptimizerState(good.arrays(), scalars)));
      assertEquals("optimizer state has no 'optimizer' scalar (the optim that saved it); cannot load it into"
          + " optim=adamw_torch", e.getMessage());

      assertEquals(2, optimizer.stepCount());
      assertEquals(before, snapshot(optimizer.state()));
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
      assertTrue(initial.arrays().isEmpty());
      run(used, c, 0, 3);
      used.loadState(initial);
      assertEquals(0, used.stepCount());
      for (int i = 0; i < 2; i++) {
        used.parameters().get(i).array().set(fresh.parameters().get(i).array().toFloatArray());
      }
      run(fresh, c, 0, 2);
      run(used, c, 0, 2);
      assertEquals(snapshot(fresh.state()), snapshot(used.state()));
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
      IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
          () -> new Adagrad(List.of(new NamedParameter("d", doubles, true)), Adagrad.Settings.defaults()));
      assertEquals("parameter d has data type float64; the optimizers support float32 parameters", type.getMessage());
    }
  }

  @Test
  void closingTheOptimizerFreesItsState() {
    Map<String, Object> c = referenceCase("rmsprop_centered_momentum_wd");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = OptimizerReferenceTest.parameters(manager, c);
      int withoutOptimizer = manager.getManagedArrays().size();
      try (Optimizer optimizer = Optimizers.create(OptimizerReferenceTest.arguments(c), parameters)) {
        run(optimizer, c, 0, 4);
        assertEquals(withoutOptimizer + 6, manager.getManagedArrays().size(), "3 state arrays per parameter");
      }
      assertEquals(withoutOptimizer, manager.getManagedArrays().size(), "native arrays after close()");
    }
  }
}

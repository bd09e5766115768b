package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.core.optim.Reference.floats;
import static org.trainer4j.core.optim.Reference.list;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** clipByGlobalNorm against torch.nn.utils.clip_grad_norm_, including non-finite gradients. */
class GradientsTest {
  static Stream<Named<Map<String, Object>>> cases() {
    return Reference.cases("clipping.json");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matchesPyTorch(Map<String, Object> c) {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = new ArrayList<>();
      List<Object> shapes = list(c, "shapes");
      for (int i = 0; i < shapes.size(); i++) {
        Shape shape = Reference.shape(shapes.get(i));
        NamedParameter p = new NamedParameter("p" + i,
            Reference.parameter(manager, new float[Math.toIntExact(shape.size())], shape), true);
        Reference.setGradient(p.array(), floats(list(c, "grads").get(i)));
        parameters.add(p);
      }
      double norm = Gradients.clipByGlobalNorm(parameters, ((Number) c.get("max_norm")).doubleValue());
      Reference.assertClose(((Number) c.get("norm")).doubleValue(), norm, Reference.ABSOLUTE_FLOOR,
          c.get("name") + " norm");
      for (int i = 0; i < parameters.size(); i++) {
        Reference.assertClose(floats(list(c, "clipped").get(i)), Reference.gradient(parameters.get(i).array()),
            c.get("name") + " gradient " + i);
      }
    }
  }

  @Test
  void leavesGradientsBelowTheLimitUntouched() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NamedParameter p = new NamedParameter("w", Reference.parameter(manager, new float[2], new Shape(2)), true);
      float[] gradient = {0.3f, -0.4f};
      Reference.setGradient(p.array(), gradient);
      assertEquals(0.5, Gradients.clipByGlobalNorm(List.of(p), 1.0), 1e-7);
      assertArrayEquals(gradient, Reference.gradient(p.array()));
    }
  }

  @Test
  void zeroClearsEveryGradientIncludingNaNAndInfinity() {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NamedParameter> parameters = List.of(
          new NamedParameter("w", Reference.parameter(manager, new float[4], new Shape(2, 2)), true),
          new NamedParameter("b", Reference.parameter(manager, new float[2], new Shape(2)), false));
      Reference.setGradient(parameters.get(0).array(), new float[] {Float.NaN, 1, Float.NEGATIVE_INFINITY, -2});
      Reference.setGradient(parameters.get(1).array(), new float[] {3, Float.POSITIVE_INFINITY});
      int arrays = manager.getManagedArrays().size();
      Gradients.zero(parameters);
      assertArrayEquals(new float[4], Reference.gradient(parameters.get(0).array()));
      assertArrayEquals(new float[2], Reference.gradient(parameters.get(1).array()));
      assertEquals(arrays, manager.getManagedArrays().size(), "no native arrays left behind");
    }
  }

  @Test
  void withoutParametersTheNormIsZero() {
    assertEquals(0.0, Gradients.clipByGlobalNorm(List.of(), 1.0));
  }

  @Test
  void rejectsANonPositiveLimit() {
    for (double bad : new double[] {0, -1, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Gradients.clipByGlobalNorm(List.of(), bad));
      assertTrue(e.getMessage().startsWith("max_grad_norm=" + bad + " is not allowed"), e.getMessage());
    }
  }
}

package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code toBuilder()} carries the options as given, never the values {@code build()} derived from them:
 * for every option (found by reflection, as the parser finds them) and several values of it, changing
 * it through {@code toBuilder()} gives what building from scratch with the same explicit options gives
 * (the same value, or the same error).
 */
class ToBuilderTest {

  /** Starting points: defaults, and runs whose derived values (best model, run name, eval steps) are in play. */
  private static final List<Map<String, Object>> BASES = List.of(
      Map.of(),
      ordered("eval_strategy", IntervalStrategy.STEPS, "logging_steps", 10.0, "save_steps", 20.0,
          "load_best_model_at_end", true),
      ordered("output_dir", "out/a", "eval_strategy", IntervalStrategy.EPOCH, "save_strategy", SaveStrategy.EPOCH,
          "load_best_model_at_end", true, "metric_for_best_model", "accuracy"),
      ordered("eval_strategy", IntervalStrategy.STEPS, "eval_steps", 5.0, "do_eval", true, "run_name", "named",
          "metric_for_best_model", "loss", "greater_is_better", false,
          "lr_scheduler_type", SchedulerType.REDUCE_LR_ON_PLATEAU, "save_strategy", SaveStrategy.BEST));

  @Test
  void changingAnyOptionThroughToBuilderEqualsBuildingFromScratch() {
    int compared = 0;
    for (Map<String, Object> base : BASES) {
      TrainingArguments start = build(base);
      for (Field option : optionFields()) {
        for (Object value : candidates(option)) {
          Map<String, Object> explicit = new LinkedHashMap<>(base);
          explicit.put(OptionTable.snakeCase(option.getName()), value);
          String what = "base " + base + ", then " + OptionTable.snakeCase(option.getName()) + "=" + value;
          assertEquals(outcome(() -> build(explicit)),
              outcome(() -> set(start.toBuilder(), option.getName(), value).build()), what);
          compared++;
        }
      }
    }
    assertTrue(compared > 4 * 48 * 2, "every option with several values from every base: " + compared);
  }

  @Test
  void theCasesAUserMetKeepNoStaleDerivedValue() {
    TrainingArguments best = TrainingArguments.builder().evalStrategy("steps").saveStrategy("steps")
        .loggingSteps(10).saveSteps(20).loadBestModelAtEnd(true).build();
    assertEquals(Optional.of(false), best.greaterIsBetter(), "loss is better when lower");

    TrainingArguments byAccuracy = best.toBuilder().metricForBestModel("accuracy").build();
    assertEquals(Optional.of(true), byAccuracy.greaterIsBetter(), "accuracy is better when higher");

    TrainingArguments moved = best.toBuilder().outputDir("out/b").build();
    assertEquals("out/b", moved.runName());

    TrainingArguments logMore = best.toBuilder().loggingSteps(5).saveSteps(10).build();
    assertEquals(Optional.of(5.0), logMore.evalSteps(), "eval_steps follows logging_steps when unset");

    TrainingArguments noEval = best.toBuilder().evalStrategy("no").loadBestModelAtEnd(false).build();
    assertEquals(false, noEval.doEval());
  }

  /** The built value, or the error's message: two ways of building must agree on either. */
  private static Object outcome(java.util.function.Supplier<TrainingArguments> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      return "IllegalArgumentException: " + e.getMessage();
    }
  }

  private static TrainingArguments build(Map<String, Object> explicit) {
    TrainingArguments.Builder builder = TrainingArguments.builder();
    explicit.forEach((name, value) -> set(builder, camelCase(name), value));
    return builder.build();
  }

  /** Calls the builder's setter for this option with this value, as a user would. */
  private static TrainingArguments.Builder set(TrainingArguments.Builder builder, String option, Object value) {
    for (Method m : TrainingArguments.Builder.class.getMethods()) {
      if (m.getName().equals(option) && m.getParameterCount() == 1 && accepts(m.getParameterTypes()[0], value)) {
        try {
          return (TrainingArguments.Builder) m.invoke(builder, value);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new AssertionError("the builder has no setter " + option + " for a " + value.getClass().getSimpleName());
  }

  private static boolean accepts(Class<?> parameter, Object value) {
    Class<?> boxed = parameter == boolean.class ? Boolean.class : parameter == int.class ? Integer.class
        : parameter == double.class ? Double.class : parameter;
    return boxed.isInstance(value);
  }

  /** Values of every kind an option of this type takes, valid and invalid (both must agree). */
  private static List<Object> candidates(Field f) {
    Class<?> type = f.getType();
    if (type == boolean.class || type == Boolean.class) {
      return List.of(true, false);
    }
    if (type == int.class || type == Integer.class) {
      return List.of(-1, 0, 1, 3, 1000);
    }
    if (type == double.class || type == Double.class) {
      return List.of(0.0, 0.25, 1.0, 5.0, 20.0, 1000.0);
    }
    if (type.isEnum()) {
      return List.of(type.getEnumConstants());
    }
    if (type == String.class) {
      return List.of("accuracy", "eval_loss", "out/other", "true", "momentum=0.9", "");
    }
    if (List.class.isAssignableFrom(type)) {
      return List.of(List.of(), List.of("labels"), List.of("none"), List.of("inputs", "loss"));
    }
    if (Map.class.isAssignableFrom(type)) {
      return List.of(Map.of(), Map.of("num_cycles", 2), Map.of("mode", "max"));
    }
    return fail("no candidate values for option " + f.getName() + " of type " + type);
  }

  private static List<Field> optionFields() {
    List<Field> fields = new ArrayList<>();
    for (Field f : TrainingArguments.class.getDeclaredFields()) {
      if (f.isAnnotationPresent(Help.class) && !Modifier.isStatic(f.getModifiers())) {
        fields.add(f);
      }
    }
    assertEquals(ArgumentParser.optionNames(), fields.stream().map(f -> OptionTable.snakeCase(f.getName())).toList());
    return fields;
  }

  private static String camelCase(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}

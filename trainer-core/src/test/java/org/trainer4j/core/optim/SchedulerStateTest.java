package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.json.PyJson;

/** Checkpointing schedules: the state survives JSON and a fresh schedule continues identically. */
class SchedulerStateTest {
  static Stream<Named<Map<String, Object>>> all() {
    return Stream.concat(Reference.cases("schedules.json"), Reference.cases("plateau.json"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> throughJson(Map<String, Object> state) {
    return (Map<String, Object>) PyJson.loads(PyJson.dumps(state, false));
  }

  @ParameterizedTest
  @MethodSource("all")
  void resumedScheduleContinuesExactly(Map<String, Object> c) {
    TrainingArguments args = ScheduleReferenceTest.arguments(c);
    int total = args.maxSteps() > 0 ? args.maxSteps() : 100;
    List<Object> metrics = c.containsKey("metrics") ? Reference.list(c, "metrics") : List.of();
    LrScheduler original = Optimizers.schedule(args, total);
    int stop = total / 2;
    for (int k = 0; k < stop; k++) {
      advance(original, metrics, k);
    }
    LrScheduler resumed = Optimizers.schedule(args, total);
    resumed.loadState(throughJson(original.state()));
    for (int k = stop; k < total + 2; k++) {
      assertEquals(original.lastLr(), resumed.lastLr(), c.get("name") + " step " + k);
      advance(original, metrics, k);
      advance(resumed, metrics, k);
    }
    assertEquals(original.state(), resumed.state());
  }

  private static void advance(LrScheduler schedule, List<Object> metrics, int k) {
    schedule.step();
    if (k < metrics.size()) {
      schedule.onEvaluate(Map.of("eval_loss", metrics.get(k)));
    }
  }

  private static TrainingArguments plateauArgs() {
    return TrainingArguments.builder().lrSchedulerType("reduce_lr_on_plateau").evalStrategy("epoch").build();
  }

  @Test
  void plateauStateBeforeAnyEvaluationKeepsAnInfiniteBest() {
    LrScheduler schedule = Optimizers.schedule(plateauArgs(), 10);
    Map<String, Object> state = throughJson(schedule.state());
    assertEquals(Double.POSITIVE_INFINITY, state.get("best"));
    LrScheduler resumed = Optimizers.schedule(plateauArgs(), 10);
    resumed.loadState(state);
    assertEquals(schedule.state(), resumed.state());
  }

  @Test
  void refusesTheStateOfAnotherSchedule() {
    LrScheduler linear = Optimizers.schedule(TrainingArguments.builder().build(), 10);
    LrScheduler cosine = Optimizers.schedule(TrainingArguments.builder().lrSchedulerType("cosine").build(), 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cosine.loadState(linear.state()));
    assertEquals("scheduler state was saved by lr_scheduler_type=linear and cannot be loaded into"
        + " lr_scheduler_type=cosine", e.getMessage());

    Map<String, Object> broken = new HashMap<>(linear.state());
    broken.put("last_epoch", -2);
    e = assertThrows(IllegalArgumentException.class, () -> linear.loadState(broken));
    assertEquals("scheduler state field 'last_epoch' is -2; expected a whole number, 0 or more", e.getMessage());

    LrScheduler plateau = Optimizers.schedule(plateauArgs(), 10);
    Map<String, Object> noLr = new HashMap<>(plateau.state());
    noLr.remove("lr");
    e = assertThrows(IllegalArgumentException.class, () -> plateau.loadState(noLr));
    assertEquals("scheduler state field 'lr' is null; expected a number", e.getMessage());
  }
}

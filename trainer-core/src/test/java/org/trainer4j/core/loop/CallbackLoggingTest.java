package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.EventRecorder;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.callback.TrainerCallback;

/** Callbacks logging values of their own, and changing logs they must not change. */
class CallbackLoggingTest {
  @TempDir Path dir;

  /** 8 examples in batches of 4, 2 epochs: 4 steps, a loss row every 2 steps, evaluation each epoch. */
  private Trainer trainer(Model model, TrainerCallback... callbacks) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
        .args(TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(4).numTrainEpochs(2)
            .loggingSteps(2).evalStrategy("epoch").saveStrategy("no").reportTo("none").build())
        .trainDataset(Fixtures.dataset(Fixtures.blobs(8, 1))).evalDataset(Fixtures.dataset(Fixtures.blobs(4, 2)))
        .callbacks(callbacks).build();
  }

  /** HF users' perplexity: derived from each loss row, logged as a row of its own. */
  private static final class Perplexity implements TrainerCallback {
    @Override
    public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      if (x.logs().get("loss") instanceof Double loss) {
        x.log(Map.of("perplexity", Math.exp(loss)));
      }
    }
  }

  @Test
  void aRowLoggedFromOnLogFollowsTheRowBeingLoggedForEveryCallbackAndInTheHistory() {
    EventRecorder after = new EventRecorder();
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = trainer(model, new Perplexity(), after);
      trainer.train();

      List<String> rows = trainer.state().logHistory().stream()
          .map(r -> r.keySet().iterator().next() + "@" + r.get("step")).toList();
      assertEquals(List.of("loss@2", "perplexity@2", "eval_loss@2", "loss@4", "perplexity@4", "eval_loss@4",
          "train_runtime@4"), rows);
      assertEquals(List.of("onLog[loss]@2", "onLog[perplexity]@2", "onLog[eval_loss]@2", "onEvaluate@2"),
          after.only("onLog", "onEvaluate").subList(0, 4), "a callback after the logging one sees the same order");
      Map<String, Object> perplexity = trainer.state().logHistory().get(1);
      assertEquals(Math.exp((Double) trainer.state().logHistory().get(0).get("loss")), perplexity.get("perplexity"));
      assertEquals(1.0, perplexity.get("epoch"), "logged like any row: with epoch and step");
    }
  }

  @Test
  void aRowLoggedFromAnotherEventIsLoggedRightAfterIt() {
    TrainerCallback everyStep = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        x.log(Map.of("custom_step", s.globalStep()));
      }
    };
    EventRecorder recorder = new EventRecorder();
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, everyStep, recorder).train();
    }
    assertEquals(List.of("onStepEnd@1", "onLog[custom_step]@1", "onStepEnd@2", "onLog[custom_step]@2",
        "onLog[loss]@2"), recorder.only("onStepEnd", "onLog").subList(0, 5));
  }

  @Test
  void aTrainerPassedToACallbackLogsTheSameWayWithoutRecursing() {
    List<Map<String, Object>> returned = new ArrayList<>();
    Trainer[] holder = new Trainer[1];
    TrainerCallback hfStyle = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (x.logs().containsKey("eval_loss")) {
          returned.add(holder[0].log(Map.of("eval_twice", 2 * (Double) x.logs().get("eval_loss"))));
        }
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      holder[0] = trainer(model, hfStyle);
      holder[0].train();
      List<Map<String, Object>> history = holder[0].state().logHistory();
      assertEquals(List.of("loss", "eval_loss", "eval_twice"),
          history.subList(0, 3).stream().map(r -> r.keySet().iterator().next()).toList());
      assertEquals(Map.of("eval_twice", history.get(2).get("eval_twice"), "epoch", 1.0), returned.get(0));
    }
  }

  @Test
  void aCallbackThatLogsOnEveryOnLogIsStoppedInsteadOfLoggingForever() {
    TrainerCallback echo = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        x.log(Map.of("echo", 1));
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = trainer(model, echo);
      CallbackException e = assertThrows(CallbackException.class, trainer::train);
      assertEquals("a callback logged [echo] from the onLog of a row that a callback logged itself; that could go"
          + " on forever. Log in response to the Trainer's own rows only, e.g. when context.logs() has \"loss\" or"
          + " \"eval_loss\".", e.getCause().getMessage());
      assertEquals(List.of("loss", "echo"), trainer.state().logHistory().stream()
          .map(r -> r.keySet().iterator().next()).toList(), "one echo of the first row, then the stop");
    }
  }

  @Test
  void changingTheLogsOrMetricsSaysWhatToDoInstead() {
    List<String> messages = new ArrayList<>();
    TrainerCallback changer = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        messages.add(assertThrows(UnsupportedOperationException.class, () -> x.logs().put("perplexity", 1.0))
            .getMessage());
        assertThrows(UnsupportedOperationException.class, () -> x.logs().remove("loss"));
      }

      @Override
      public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        messages.add(assertThrows(UnsupportedOperationException.class, () -> x.metrics().clear()).getMessage());
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, changer).evaluate();
    }
    assertEquals("onLog's logs are read-only: they are already recorded, and every callback sees them as they"
        + " were logged. To log a value of your own, call context.log(Map.of(\"name\", value)) from the callback:"
        + " it is logged as a row of its own right after this event.", messages.get(0));
    assertTrue(messages.get(1).startsWith("the metrics of onEvaluate and onPredict are read-only"), messages.get(1));
  }

  @Test
  void aContextOfNoTrainerSaysThereIsNowhereToLog() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CallbackContext.empty().log(Map.of("x", 1)));
    assertEquals("this context belongs to no Trainer (CallbackContext.empty()), so context.log has nowhere to log"
        + " [x]", e.getMessage());
  }
}

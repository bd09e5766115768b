package org.trainer4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/** onTrainAbort: once, when train() throws, with what it throws; never on a normal end or an early stop. */
class TrainAbortTest {
  private static final Event[] ENDS = {Event.ON_TRAIN_BEGIN, Event.ON_STEP_END, Event.ON_TRAIN_END, Event.ON_TRAIN_ABORT};

  @TempDir Path dir;

  /** 8 examples in batches of 4, 2 epochs: four steps. */
  private TrainingArguments args() {
    return TrainingArguments.builder().outputDir(dir).perDeviceTrainBatchSize(4).numTrainEpochs(2)
        .saveStrategy("no").reportTo("none").build();
  }

  /** Throws in onStepEnd of step 2, and keeps what onTrainAbort got. */
  private static final class FailsAtStep2 implements TrainerCallback {
    final List<Throwable> aborts = new ArrayList<>();

    @Override
    public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      if (s.globalStep() == 2) {
        throw new IllegalStateException("out of memory, say");
      }
    }

    @Override
    public void onTrainAbort(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x, Throwable e) {
      assertSame(e, x.error().orElseThrow());
      aborts.add(e);
    }
  }

  @Test
  void aFailingTrainingFiresOnTrainAbortOnceAfterTheFailingEventAndNoTrainEnd() {
    FailsAtStep2 failing = new FailsAtStep2();
    CallbackDriver driver = CallbackDriver.builder(args()).trainExamples(8).callbacks(failing).build();
    CallbackException thrown = assertThrows(CallbackException.class, driver::train);

    assertEquals(List.of("onTrainBegin@0", "onStepEnd@1", "onTrainAbort@2"), driver.recorder().trace(ENDS));
    assertEquals(List.of(thrown), failing.aborts, "the exception train() throws, once");
  }

  @Test
  void aNormalEndAndAnEarlyStopFireNoAbort() {
    CallbackDriver normal = CallbackDriver.builder(args()).trainExamples(8).build();
    normal.train();
    assertEquals(List.of("onTrainBegin@0", "onStepEnd@1", "onStepEnd@2", "onStepEnd@3", "onStepEnd@4",
        "onTrainEnd@4"), normal.recorder().trace(ENDS));

    TrainerCallback stopAt2 = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          c.setShouldTrainingStop(true);
        }
      }
    };
    CallbackDriver stopped = CallbackDriver.builder(args()).trainExamples(8).callbacks(stopAt2).build();
    stopped.train();
    assertEquals(List.of("onTrainBegin@0", "onStepEnd@1", "onStepEnd@2", "onTrainEnd@2"),
        stopped.recorder().trace(ENDS));
  }

  @Test
  void aCallbackFailingInOnTrainAbortNeitherHidesTheErrorNorStopsTheOthers() {
    TrainerCallback brokenAbort = new TrainerCallback() {
      @Override
      public void onTrainAbort(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x, Throwable e) {
        throw new IllegalStateException("cannot clean up");
      }
    };
    FailsAtStep2 failing = new FailsAtStep2();
    CallbackDriver driver = CallbackDriver.builder(args()).trainExamples(8).callbacks(brokenAbort, failing).build();
    CallbackException thrown = assertThrows(CallbackException.class, driver::train);

    assertEquals("out of memory, say", thrown.getCause().getMessage(), "the training's error, not the clean-up's");
    assertEquals(1, thrown.getSuppressed().length);
    assertEquals("cannot clean up", thrown.getSuppressed()[0].getCause().getMessage());
    assertEquals(List.of(thrown), failing.aborts, "called although an earlier callback threw in onTrainAbort");
  }
}

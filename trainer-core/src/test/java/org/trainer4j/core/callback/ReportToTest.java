package org.trainer4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.StandardError;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** report_to against the providers this test module puts on the class path (recording, failing). */
class ReportToTest {
  @TempDir Path dir;

  private List<String> integrationsFor(String... reportTo) {
    try (Model model = Fixtures.mlp(2)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo(reportTo).build()).build();
      return trainer.callbackHandler().callbacks(CallbackRole.INTEGRATION).stream()
          .map(c -> c.getClass().getEnclosingClass().getSimpleName()).toList();
    }
  }

  @Test
  void allTakesEveryProviderOnTheClassPathInNameOrder() {
    assertEquals(List.of("FailingProvider", "RecordingProvider"), integrationsFor("all"));
  }

  @Test
  void allIsTheDefault() {
    assertEquals(List.of("all"), TrainingArguments.builder().build().reportTo());
  }

  @Test
  void noneTakesNothing() {
    assertEquals(List.of(), integrationsFor("none"));
  }

  @Test
  void namesTakeThoseProviders() {
    assertEquals(List.of("RecordingProvider"), integrationsFor("recording"));
    assertEquals(List.of("RecordingProvider", "FailingProvider"), integrationsFor("recording", "failing"));
  }

  @Test
  void anUnknownNameListsTheNamesFound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> integrationsFor("wandb"));
    assertTrue(e.getMessage().contains("report_to=wandb"), e.getMessage());
    assertTrue(e.getMessage().contains("found: failing, recording"), e.getMessage());
  }

  @Test
  void anUnknownNameGetsAHintThatNamesOnlyModulesThatExist() {
    assertEquals("report_to=wandb is not allowed: no integration of that name is on the class path; found:"
        + " failing, recording (or use all / none). Add org.trainer4j:trainer-callbacks-wandb to the class path"
        + " (see docs/MODULES.md).", unknown("wandb"));
    assertEquals("report_to=tensorbord is not allowed: no integration of that name is on the class path; found:"
        + " failing, recording (or use all / none). Did you mean tensorboard? (add"
        + " org.trainer4j:trainer-callbacks-tensorboard to the class path for it)", unknown("tensorbord"));
    assertTrue(unknown("recordng").endsWith("(or use all / none). Did you mean recording?"), unknown("recordng"));
    assertTrue(unknown("mlflow").endsWith(" mlflow is an integration of HF's Trainer that Trainer4J has no module"
        + " for; a plugin can add it (see docs/PLUGINS.md)."), unknown("mlflow"));
    assertTrue(unknown("telemetry").endsWith("found: failing, recording (or use all / none)."), unknown("telemetry"));
  }

  private String unknown(String name) {
    return assertThrows(IllegalArgumentException.class, () -> integrationsFor(name)).getMessage();
  }

  @Test
  void anIntegrationThatCouldNotStartIsNotListedAsReportedTo() {
    String log = StandardError.during(() -> {
      try (Model model = Fixtures.mlp(2)) {
        Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
            .args(TrainingArguments.builder().outputDir(dir.toString()).runName("fail-at-start").maxSteps(1)
                .saveStrategy("no").perDeviceTrainBatchSize(4).build())
            .trainDataset(Fixtures.dataset(Fixtures.blobs(4, 1))).build().train();
      }
    });
    assertTrue(log.contains("integration failing could not start and is switched off"), log);
    assertTrue(log.contains("Reporting to recording (report_to=all and it is on the class path); not reporting to"
        + " failing: could not start (see the error above)"), log);
  }

  @Test
  void theDescriptionSaysHowEachWasChosen() {
    List<Integrations.Selection> chosen = Integrations.select(List.of("recording"), getClass().getClassLoader());
    assertEquals("Reporting to recording (named in report_to)", Integrations.describe(chosen, List.of("recording")));
    assertEquals("Reporting to no integration (report_to=none)", Integrations.describe(List.of(), List.of("none")));
  }
}

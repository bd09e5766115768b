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
import org.trainer4j.core.Trainer;
import org.trainer4j.core.TrainingArguments;

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
  void theDescriptionSaysHowEachWasChosen() {
    List<Integrations.Selection> chosen = Integrations.select(List.of("recording"), getClass().getClassLoader());
    assertEquals("Reporting to recording (named in report_to)", Integrations.describe(chosen, List.of("recording")));
    assertEquals("Reporting to no integration (report_to=none)", Integrations.describe(List.of(), List.of("none")));
  }
}

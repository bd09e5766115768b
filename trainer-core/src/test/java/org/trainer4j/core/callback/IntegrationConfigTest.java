package org.trainer4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** One precedence for an integration's settings, and names checked against the installed integrations. */
class IntegrationConfigTest {
  @TempDir Path dir;

  @Test
  void theBuilderWinsOverSystemPropertiesWhichWinOverTheEnvironment() {
    Properties properties = new Properties();
    properties.setProperty("trainer4j.wandb.project", "property");
    properties.setProperty("trainer4j.wandb.entity", "property-entity");
    properties.setProperty("trainer4j.other.project", "not mine");
    Map<String, String> env = Map.of("WANDB_PROJECT", "env", "WANDB_ENTITY", "env-entity", "WANDB_MODE", "offline");
    IntegrationConfig config = IntegrationConfig.of("wandb", env, properties, Map.of("project", "builder"));

    assertEquals(Optional.of("builder"), config.get("project"));
    assertEquals(Optional.of("property-entity"), config.get("entity"));
    assertEquals(Optional.of("offline"), config.get("mode"));
    assertEquals(Optional.empty(), config.get("notes"));
    assertEquals("WANDB_API_KEY", config.variableName("api_key"));
    assertEquals("trainer4j.wandb.api_key", config.propertyName("api_key"));
    assertEquals(Map.of("WANDB_PROJECT", "builder", "WANDB_ENTITY", "property-entity", "WANDB_MODE", "offline"),
        config.asEnvironment());
  }

  @Test
  void anUnknownIntegrationNameFailsListingTheInstalledOnes() {
    try (Model model = Fixtures.mlp(2)) {
      Trainer.Builder builder = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir).reportTo("none").build())
          .integration("wandbb", cfg -> cfg.set("project", "x"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
      assertEquals("integration(\"wandbb\", ...) is not allowed: no integration of that name is on the class path;"
          + " installed: failing, recording. Did you mean wandb? (add org.trainer4j:trainer-callbacks-wandb to the"
          + " class path for it)", e.getMessage());
    }
  }

  @Test
  void aSettingNeedsAKeyAndAValue() {
    IntegrationSettings settings = new IntegrationSettings();
    assertEquals("an integration setting needs a key such as project, got \"\"",
        assertThrows(IllegalArgumentException.class, () -> settings.set("", "x")).getMessage());
    assertEquals("integration setting project needs a value, got null",
        assertThrows(IllegalArgumentException.class, () -> settings.set("project", null)).getMessage());
    assertEquals(Map.of("seed", "3"), settings.set("seed", 3).values());
  }
}

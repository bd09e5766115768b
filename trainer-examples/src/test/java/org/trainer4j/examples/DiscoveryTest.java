package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.callback.Integrations;

/** With the three integrations on the class path, report_to finds all of them by name. */
class DiscoveryTest {
  @Test
  void allThreeProvidersAreFound() {
    assertEquals(List.of("csv", "tensorboard", "wandb"),
        List.copyOf(Integrations.available(getClass().getClassLoader()).keySet()));
    assertEquals(List.of("csv", "tensorboard", "wandb"),
        Integrations.select(List.of("all"), getClass().getClassLoader()).stream().map(Integrations.Selection::name).toList());
    assertEquals(List.of("wandb", "csv"),
        Integrations.select(List.of("wandb", "csv"), getClass().getClassLoader()).stream().map(Integrations.Selection::name).toList());
  }
}

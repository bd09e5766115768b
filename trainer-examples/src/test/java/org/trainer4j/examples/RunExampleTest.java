package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's run command ({@code ./mvnw -q ... verify -DskipTests -Prun-example}) on a copy of this
 * module's POM (its sources linked), built against this build's modules: what the user sees in the terminal.
 */
class RunExampleTest {
  @Test
  void underMavenQuietTheExampleStillShowsItsWarningsAndTheWandbSyncHint() throws Exception {
    ScratchMaven maven = ScratchMaven.get();
    Path project = maven.newProject("run-example");
    Path module = maven.root().resolve("trainer-examples");
    Files.copy(module.resolve("pom.xml"), project.resolve("pom.xml"));
    Files.createSymbolicLink(Files.createDirectories(project.resolve("src")).resolve("main"), module.resolve("src/main"));

    // W&B asked to go online without an API key: it warns and keeps the run offline for `wandb sync`.
    Map<String, String> environment = new HashMap<>();
    System.getenv().keySet().stream().filter(name -> name.startsWith("WANDB_")).forEach(name -> environment.put(name, null));
    environment.put("WANDB_MODE", "online");
    environment.put("WANDB_BASE_URL", "http://127.0.0.1:1");
    environment.put("NETRC", project.resolve("no-netrc").toString());
    environment.put("WANDB_DIR", project.toString());
    ScratchMaven.Result run = maven.run(project, environment, "-q", "verify", "-DskipTests", "-Prun-example",
        "-Dexample.args=--num_train_epochs 1 --disable_tqdm true");

    assertEquals(0, run.exitCode(), run.tail());
    assertTrue(run.output().lines().anyMatch(line -> line.startsWith("WARN ") && line.contains("W&B")
        && line.contains("wandb sync " + project.resolve("wandb"))), run.output());
    assertTrue(run.output().lines().anyMatch(line -> line.startsWith("INFO Trainer - Reporting to ")), run.output());
    assertTrue(run.output().lines().anyMatch(line -> line.startsWith("Test metrics:")), run.output());
    // It ran where Maven was started, as the README says: trainer_output/digits/ there.
    assertTrue(Files.isRegularFile(project.resolve("trainer_output/digits/metrics.csv")), run.output());
  }
}

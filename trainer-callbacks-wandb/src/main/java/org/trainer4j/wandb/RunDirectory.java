package org.trainer4j.wandb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's folder, laid out as the W&B SDK lays it out so that {@code wandb sync} finds it: {@code
 * <directory>/wandb/offline-run-YYYYMMDD_HHMMSS-<id>/} ({@code run-...} for online runs) holding {@code
 * run-<id>.wandb} and {@code files/config.yaml}, {@code files/wandb-summary.json}, with {@code
 * wandb/latest-run} linking to the newest run.
 */
final class RunDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

  private final Path wandbRoot;
  private final Path path;
  private final String runId;

  private RunDirectory(Path wandbRoot, Path path, String runId) {
    this.wandbRoot = wandbRoot;
    this.path = path;
    this.runId = runId;
  }

  /**
   * Creates the run folder and its {@code files/} folder.
   *
   * @throws IOException when the folder cannot be created
   */
  static RunDirectory create(Path directory, String runId, boolean online, LocalDateTime start) throws IOException {
    Path root = directory.toAbsolutePath().resolve("wandb");
    String name = (online ? "run-" : "offline-run-") + STAMP.format(start) + "-" + runId;
    Path path = root.resolve(name);
    Files.createDirectories(path.resolve("files"));
    return new RunDirectory(root, path, runId);
  }

  Path path() {
    return path;
  }

  Path wandbFile() {
    return path.resolve("run-" + runId + ".wandb");
  }

  /** Points {@code wandb/latest-run} at this run (skipped with a note where links are not allowed). */
  void linkLatest() {
    Path link = wandbRoot.resolve("latest-run");
    try {
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, wandbRoot.relativize(path));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("could not link {} to {}: {}", link, path, e.toString());
    }
  }

  void writeConfig(Map<String, ?> config) throws IOException {
    writeAtomically(path.resolve("files").resolve("config.yaml"), Yaml.config(config));
  }

  void writeSummary(String summaryJson) throws IOException {
    writeAtomically(path.resolve("files").resolve("wandb-summary.json"), summaryJson);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

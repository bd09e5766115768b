package org.trainer4j.wandb;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The run of {@code mode=disabled}: takes every call, writes, sends and starts nothing. */
final class DisabledRun extends WandbRun {
  private volatile boolean finished;
  private volatile FinishReport report;

  DisabledRun(WandbSettings settings) {
    super(settings, WandbMode.DISABLED, settings.runId());
  }

  @Override
  public void log(Map<String, ?> row) {
    Objects.requireNonNull(row, "row");
  }

  @Override
  public void summary(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public synchronized FinishReport finish(int exitCode) {
    if (report == null) {
      finished = true;
      report = new FinishReport(exitCode, WandbMode.DISABLED, runId(), Optional.empty(), Optional.empty(), 0, 0, 0,
          false, Optional.empty(), Optional.empty());
    }
    return report;
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  @Override
  public void exitCodeAtShutdown(int exitCode) {
    // nothing runs at shutdown
  }

  @Override
  public Optional<Path> directory() {
    return Optional.empty();
  }

  @Override
  public Optional<Path> file() {
    return Optional.empty();
  }

  @Override
  public Optional<String> url() {
    return Optional.empty();
  }

  @Override
  public int backlog() {
    return 0;
  }

  @Override
  long rowsWritten() {
    return 0;
  }

  @Override
  boolean writerFinished() {
    return false;
  }

  @Override
  long uploadBacklogBytes() {
    return 0;
  }
}

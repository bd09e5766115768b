package org.trainer4j.wandb;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.writer.BackgroundWriter;
import org.trainer4j.core.writer.FullQueuePolicy;
import org.trainer4j.core.writer.WriterConfig;

/**
 * The writer thread of a {@link WandbRun}: core's {@link BackgroundWriter} feeding a {@link RunWriter}.
 * It writes the run's first records when it starts, then each batch of rows and summary updates, and
 * hands the bytes to the operating system and the summary to the uploader after every batch (so the
 * {@code .wandb} file is never more than one batch behind). The run ends with a {@link RunWriter.Finish}
 * handed over by {@code beginClose}, which is written after everything logged before, even when the
 * queue is full.
 *
 * <p>Full-queue policy: {@link FullQueuePolicy#BLOCK}. The {@code .wandb} file is the run's record and
 * what {@code wandb sync} uploads later, so a row is never dropped; {@code log()} waits only when the
 * disk has stalled for {@code maxQueuedRows} rows. (The network never makes it wait: the uploader has
 * its own buffer.)
 */
final class RunFileWriter extends BackgroundWriter<RunWriter.Event> {
  private final RunWriter run;
  private final String runId;
  private final CountDownLatch done = new CountDownLatch(1);

  RunFileWriter(RunWriter run, String runId, WandbSettings settings) {
    super(WriterConfig.builder("wandb", FullQueuePolicy.BLOCK)
        .capacity(settings.maxQueuedRows())
        .closeTimeout(settings.finishTimeout())
        // The run registers one shutdown task for the writer and the uploader together.
        .closeAtShutdown(false)
        .threadFactory(r -> new Thread(r, "wandb-writer-" + runId))
        .itemNoun("rows")
        .logger(LoggerFactory.getLogger(WandbRun.class))
        .build());
    this.run = run;
    this.runId = runId;
  }

  /** Opens when the writer thread has written the finish records and closed the file, or has ended. */
  CountDownLatch done() {
    return done;
  }

  @Override
  protected void onStart() {
    run.writeStart();
  }

  @Override
  protected void handle(List<RunWriter.Event> batch) {
    for (RunWriter.Event event : batch) {
      run.handle(event);
    }
    run.afterBatch();
  }

  @Override
  protected void onClose() {
    done.countDown();
  }

  @Override
  public String toString() {
    return "W&B run " + runId;
  }
}

package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.distributed.TrainingResults.assertSameHistory;
import static org.trainer4j.distributed.TrainingResults.assertSameWandbHistory;
import static org.trainer4j.distributed.TrainingResults.assertSameWeights;
import static org.trainer4j.distributed.TrainingResults.eventFiles;
import static org.trainer4j.distributed.TrainingResults.last;
import static org.trainer4j.distributed.TrainingResults.result;
import static org.trainer4j.distributed.TrainingResults.wandbRuns;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trainer data-parallel on two worker JVMs (loopback), against the same run on one worker with the
 * global batch: HF's DDP promise that 2 workers × batch 32 train exactly like 1 worker × batch 64.
 */
class DataParallelTrainerTest {
  private static final Duration HANG_GUARD = Duration.ofMinutes(5);

  @TempDir
  Path dir;

  @Test
  void twoWorkersOfBatch32TrainLikeOneWorkerOfBatch64AndResumeOnOneOrTwo() throws IOException {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    run(1, one, 64, "none");
    run(2, two, 32, "none");
    JsonNode single = result(one, 0);
    JsonNode zero = result(two, 0);
    JsonNode first = result(two, 1);

    assertSameHistory(single.get("log_history"), zero.get("log_history"));
    assertSameWeights(single.get("weights"), zero.get("weights"));
    assertSameWeights(zero.get("weights"), first.get("weights")); // the replicas agree
    assertTrue(zero.get("is_world_process_zero").asBoolean());
    assertFalse(first.get("is_world_process_zero").asBoolean());
    assertFalse(first.get("is_local_process_zero").asBoolean());
    assertEquals("[2,0,0]", zero.get("args_process").toString()); // world_size, process_index, local_process_index
    assertEquals("[2,1,1]", first.get("args_process").toString());
    assertEquals(32, zero.get("train_batch_size").asInt()); // HF: per device
    // train_samples_per_second counts every worker's examples: 6 steps x 64.
    JsonNode summary = last(zero.get("log_history"));
    assertTrue(summary.has("train_samples_per_second"), summary.toString());
    // Only process zero reported: one TensorBoard event file, as for one worker.
    assertTrue(zero.get("reports_to_tensorboard").asBoolean());
    assertFalse(first.get("reports_to_tensorboard").asBoolean());
    assertEquals(1, eventFiles(one), "event files of the single run");
    assertEquals(1, eventFiles(two), "event files of the two workers");
    // W&B: every worker had the callback; process zero alone wrote a run, row for row the single run's.
    assertEquals(1, wandbRuns(one).size(), "W&B runs of the single run");
    assertEquals(1, wandbRuns(two).size(), "W&B runs of the two workers");
    assertSameWandbHistory(wandbRuns(one).get(0), wandbRuns(two).get(0));
    // Only process zero wrote checkpoints; they are those of the single run's steps.
    assertTrue(Files.isDirectory(two.resolve("checkpoint-3")) && Files.isDirectory(two.resolve("checkpoint-6")));

    // Checkpoints saved by two workers resume on one and on two, to the same end.
    Path resumedOnOne = copyOf(two, dir.resolve("resume-one"));
    run(1, resumedOnOne, 64, resumedOnOne.resolve("checkpoint-3").toString());
    assertSameWeights(single.get("weights"), result(resumedOnOne, 0).get("weights"));
    Path resumedOnTwo = copyOf(two, dir.resolve("resume-two"));
    run(2, resumedOnTwo, 32, resumedOnTwo.resolve("checkpoint-3").toString());
    assertSameWeights(single.get("weights"), result(resumedOnTwo, 0).get("weights"));
    assertSameWeights(single.get("weights"), result(resumedOnTwo, 1).get("weights"));
  }

  @Test
  void twoWorkersOfBatch16AccumulatingTwoTrainLikeOneWorkerOfBatch64() throws IOException {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two-accumulating");
    run(1, one, 64, "none");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, launch(2, two, 16, "none", err, "accumulate=2"), err.toString(StandardCharsets.UTF_8));
    JsonNode single = result(one, 0);
    JsonNode zero = result(two, 0);
    // One exchange per window of two micro-batches: the same global batch of 64 per step.
    assertSameHistory(single.get("log_history"), zero.get("log_history"));
    assertSameWeights(single.get("weights"), zero.get("weights"));
    assertSameWeights(zero.get("weights"), result(two, 1).get("weights"));
  }

  @Test
  void aWorkerKilledMidStepFailsTheJobNamingItAndTheLastCheckpointAndARerunResumesExactly() throws IOException {
    Path out = dir.resolve("killed");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = launch(2, out, 32, "none", err, "kill-at=5");
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(137, code, stderr);
    assertTrue(stderr.contains("distributed job failed: worker 1 of 2 (pid "), stderr);
    assertTrue(stderr.contains("the last checkpoint is " + out.resolve("checkpoint-3")), stderr);

    // The rerun the message asks for ends where an uninterrupted single run does.
    Path one = dir.resolve("one");
    run(1, one, 64, "none");
    run(2, out, 32, out.resolve("checkpoint-3").toString());
    assertSameWeights(result(one, 0).get("weights"), result(out, 0).get("weights"));
    assertSameWeights(result(one, 0).get("weights"), result(out, 1).get("weights"));
  }

  private void run(int workers, Path out, int batch, String resume) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = launch(workers, out, batch, resume, err);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
  }

  private static int launch(int workers, Path out, int batch, String resume, ByteArrayOutputStream err,
      String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--output_dir", out.toString(), String.valueOf(batch), resume));
    args.addAll(List.of(extra));
    Launcher.Job job = new Launcher.Job(workers, 60, List.of("-Xmx512m", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), TrainWorker.class.getName(), args);
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return assertTimeoutPreemptively(HANG_GUARD,
        () -> Launcher.run(job, sink, new PrintStream(err, true, StandardCharsets.UTF_8)));
  }

  private static Path copyOf(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().startsWith("result-rank")) {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}

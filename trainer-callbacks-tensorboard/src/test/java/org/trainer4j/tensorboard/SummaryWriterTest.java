package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.trainer4j.core.writer.FullQueuePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryWriterTest {
  @TempDir
  Path dir;

  @Test
  void headerRecordIsOnDiskAsSoonAsTheWriterIsOpen() throws Exception {
    double before = System.currentTimeMillis() / 1000.0;
    try (SummaryWriter writer = SummaryWriter.open(dir.resolve("run"))) {
      double after = System.currentTimeMillis() / 1000.0;
      List<TbEvents.Event> events = TbEvents.readFile(writer.file());
      assertEquals(1, events.size());
      TbEvents.Event header = events.get(0);
      assertEquals("brain.Event:2", header.fileVersion());
      assertEquals("trainer4j", header.writer());
      assertTrue(header.wallTime() >= Math.floor(before * 1000) / 1000 && header.wallTime() <= after,
          "wall time in seconds: " + header.wallTime());
      assertEquals(dir.resolve("run"), writer.file().getParent());
    }
  }

  @Test
  void fileNamesFollowTensorBoardsPatternAndNeverCollide() {
    try (SummaryWriter a = SummaryWriter.open(dir); SummaryWriter b = SummaryWriter.open(dir)) {
      String pattern = "events\\.out\\.tfevents\\.\\d{10}\\..+\\." + ProcessHandle.current().pid() + "\\.\\d+";
      assertTrue(a.file().getFileName().toString().matches(pattern), a.file().toString());
      assertTrue(b.file().getFileName().toString().matches(pattern), b.file().toString());
      assertNotEquals(a.file(), b.file());
    }
  }

  @Test
  void filesSortByNameInTheOrderTheyWereOpenedEvenWithinOneSecond() {
    long second = 1_700_000_000L;
    List<String> names = List.of(EventFileName.of(second, 9), EventFileName.of(second, 10),
        EventFileName.of(second, 999_999), EventFileName.of(second, 1_000_000), EventFileName.of(second + 1, 0));
    assertEquals(names, names.stream().sorted().toList());
  }

  @Test
  void aSessionStartIsTensorBoardsStartEventAtItsStep() {
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addSessionStart(41);
      writer.addScalar("loss", 0.5, 42);
    }
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    assertEquals(2, events.size());
    TbEvents.Event start = events.get(0);
    assertEquals(41, start.step());
    assertEquals(TbEvents.SESSION_START, start.sessionStatus());
    assertEquals(List.of(), start.values());
    assertEquals(0, events.get(1).sessionStatus());
    assertMessage("step must be >= 0, got -1", () -> SummaryWriter.open(dir).addSessionStart(-1));
  }

  /** PyTorch's {@code purge_step}: a run killed at step 6 restarts at step 4 in the same folder. */
  @Test
  void aRestartMarkedWithASessionStartHidesTheOrphanedPointsFromTensorBoard() {
    try (SummaryWriter killed = SummaryWriter.open(dir)) {
      killed.addSessionStart(1);
      for (int step = 1; step <= 6; step++) {
        killed.addScalar("loss", step, step);
      }
      killed.addText("note", "written after step 4 by the killed run", 5);
    }
    try (SummaryWriter resumed = SummaryWriter.open(dir)) {
      resumed.addSessionStart(4);
      for (int step = 4; step <= 8; step++) {
        resumed.addScalar("loss", 10 + step, step);
      }
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 4L, 5L, 6L, 7L, 8L),
        TbEvents.steps(TbEvents.scalars(TbEvents.readRun(dir), "loss")), "both files hold steps 4-6");
    assertEquals(List.of(List.of(0L, 1L), List.of(1L, 4L)), TbEvents.sessionStarts(dir));

    List<TbEvents.Event> kept = TbEvents.keptByPythonLoader(dir);
    List<TbEvents.Point> loss = TbEvents.scalars(kept, "loss");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), TbEvents.steps(loss));
    assertEquals(List.of(1f, 2f, 3f, 14f, 15f, 16f, 17f, 18f), TbEvents.values(loss));
    assertEquals(List.of(), TbEvents.valuesOf(kept, "note"));
  }

  @Test
  void scalarsAreRank0Float32TensorsWithMetadataOnTheFirstValueOnly() {
    SummaryWriter writer = SummaryWriter.open(dir);
    writer.addScalar("train/loss", 2.5, 1);
    writer.addScalar("train/loss", 0.1, 2);
    writer.addScalar("train/loss", 1e300, 3, 1_700_000_000.25);
    writer.addScalar("eval/acc", 0.75, 2);
    writer.close();

    List<TbEvents.Event> events = TbEvents.readRun(dir);
    List<TbEvents.Point> loss = TbEvents.scalars(events, "train/loss");
    assertEquals(List.of(1L, 2L, 3L), TbEvents.steps(loss));
    assertEquals(List.of(2.5f, 0.1f, Float.POSITIVE_INFINITY), TbEvents.values(loss));
    assertEquals(1_700_000_000.25, loss.get(2).wallTime());
    assertEquals(List.of(0.75f), TbEvents.values(TbEvents.scalars(events, "eval/acc")));
  }

  @Test
  void addScalarsWritesOneEventForARow() {
    Map<String, Number> row = new LinkedHashMap<>();
    row.put("train/loss", 0.5);
    row.put("train/learning_rate", 3e-5);
    row.put("train/grad_norm", 7);
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addScalars(row, 10);
      writer.addScalars(Map.of(), 11);
    }
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    assertEquals(1, events.size());
    assertEquals(10, events.get(0).step());
    assertEquals(List.of("train/loss", "train/learning_rate", "train/grad_norm"),
        events.get(0).values().stream().map(TbEvents.Value::tag).toList());
    assertEquals(List.of(3e-5f), TbEvents.values(TbEvents.scalars(events, "train/learning_rate")));
    assertEquals(List.of(7f), TbEvents.values(TbEvents.scalars(events, "train/grad_norm")));
  }

  @Test
  void aStepThatDoesNotIncreaseIsDroppedSoEarlierPointsSurvive() {
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addScalar("loss", 1, 5);
      writer.addScalar("loss", 2, 5);
      writer.addScalar("loss", 3, 4);
      writer.addScalar("loss", 4, 6);
      writer.addScalar("other", 9, 0);
      writer.addText("loss", "a text under a scalar tag", 7);
    }
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    List<TbEvents.Point> loss = TbEvents.scalars(events, "loss");
    assertEquals(List.of(5L, 6L), TbEvents.steps(loss));
    assertEquals(List.of(1f, 4f), TbEvents.values(loss));
    assertEquals(List.of(0L), TbEvents.steps(TbEvents.scalars(events, "other")));
  }

  @Test
  void textIsARank0StringTensorForTheTextPlugin() {
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addText("notes", "**bold** ünïcödé ✓", 0);
      writer.addText("notes", "second", 3);
    }
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    assertEquals(List.of("**bold** ünïcödé ✓", "second"), TbEvents.texts(events, "notes"));
    assertEquals(TbEvents.DATA_CLASS_TENSOR, TbEvents.valuesOf(events, "notes").get(0).dataClass());
  }

  @Test
  void histogramBucketsCoverEveryValue() {
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = -3 + 6.0 * i / (values.length - 1);
    }
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addHistogram("weights", values, 1);
      values[0] = 1e9; // the writer copied the array
      writer.addHistogram("weights", new float[] {2f, 2f, 2f}, 2);
    }
    List<TbEvents.Value> written = TbEvents.valuesOf(TbEvents.readRun(dir), "weights");
    assertEquals(2, written.size());
    assertEquals("histograms", written.get(0).pluginName());
    assertFalse(written.get(1).hasMetadata());

    TbEvents.Histo h = written.get(0).histo().orElseThrow();
    assertEquals(-3, h.min(), 1e-12);
    assertEquals(3, h.max(), 1e-12);
    assertEquals(1000, h.num());
    assertEquals(0, h.sum(), 1e-9);
    assertEquals(30, h.buckets().size());
    assertEquals(h.buckets().size(), h.limits().size());
    assertEquals(1000, h.buckets().stream().mapToDouble(Double::doubleValue).sum());
    assertEquals(3, h.limits().get(h.limits().size() - 1), 1e-12);
    for (int i = 1; i < h.limits().size(); i++) {
      assertTrue(h.limits().get(i) > h.limits().get(i - 1), "limits increase");
    }
    // Each bucket of width 0.2 holds the values in (limit[i-1], limit[i]].
    double[] expected = new double[30];
    for (int i = 0; i < 1000; i++) {
      double v = -3 + 6.0 * i / 999;
      int b = 0;
      while (b < 29 && v > h.limits().get(b)) {
        b++;
      }
      expected[b]++;
    }
    assertEquals(Arrays.stream(expected).boxed().toList(), h.buckets());

    TbEvents.Histo constant = written.get(1).histo().orElseThrow();
    assertEquals(List.of(2.0), constant.limits());
    assertEquals(List.of(3.0), constant.buckets());
  }

  @Test
  void hparamsSessionListsTheHyperparametersAndMetrics() {
    Map<String, Object> hparams = new LinkedHashMap<>();
    hparams.put("learning_rate", 3e-4);
    hparams.put("epochs", 3);
    hparams.put("fp16", true);
    hparams.put("optim", "adamw");
    hparams.put("schedule", TimeUnit.SECONDS);
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("eval/loss", 0.25);
    metrics.put("eval/accuracy", 0.9);
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      writer.addScalar("eval/loss", 0.5, 10);
      writer.addScalar("eval/loss", 0.25, 20);
      writer.addHparams(hparams, metrics);
      writer.addHparams(Map.of("second", 1), Map.of());
    }
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    TbEvents.Hparams session = TbEvents.hparams(events);
    assertEquals(Map.of("learning_rate", 3, "epochs", 3, "fp16", 2, "optim", 1, "schedule", 1), session.hparamTypes());
    assertEquals(List.of("eval/loss", "eval/accuracy"), session.metricTags());
    assertEquals(Map.of("learning_rate", 3e-4, "epochs", 3.0, "fp16", true, "optim", "adamw", "schedule", "SECONDS"),
        session.values());
    assertEquals(1, session.endStatus());
    // eval/loss keeps its logged points; eval/accuracy is new, so it is written at the last step.
    assertEquals(List.of(10L, 20L), TbEvents.steps(TbEvents.scalars(events, "eval/loss")));
    List<TbEvents.Point> accuracy = TbEvents.scalars(events, "eval/accuracy");
    assertEquals(List.of(20L), TbEvents.steps(accuracy));
    assertEquals(List.of(0.9f), TbEvents.values(accuracy));
    assertEquals(List.of(), TbEvents.valuesOf(events, "second"));
  }

  @Test
  void flushPutsEverythingAddedSoFarInTheFileWithoutClosing() {
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      for (int step = 0; step < 100; step++) {
        writer.addScalar("x", step, step);
      }
      writer.flush();
      assertEquals(100, TbEvents.scalars(TbEvents.readFile(writer.file()), "x").size());
    }
  }

  @Test
  void requestFlushFlushesWithoutAnyoneWaiting() throws Exception {
    GatedOpener disk = new GatedOpener();
    try (SummaryWriter writer = SummaryWriter.open(dir, WriterOptions.defaults(), disk)) {
      assertEquals(0L, disk.nextFlush(), "the header's flush");
      writer.addScalar("x", 1, 1);
      writer.requestFlush();
      disk.nextFlush();
      assertEquals(2, TfRecordReader.read(writer.file()).records().size());
    }
  }

  /** The writer's clock is a stand-in that moves only when the test moves it, so load cannot matter. */
  @Test
  void theTimerFlushesOnceFlushSecsHavePassed() throws Exception {
    AtomicLong clock = new AtomicLong();
    GatedOpener disk = new GatedOpener(clock::get);
    WriterOptions everySecond = WriterOptions.builder().flushSecs(1).build();
    try (SummaryWriter writer = SummaryWriter.open(dir, everySecond, disk, clock::get)) {
      assertEquals(0L, disk.nextFlush(), "the header's flush");
      writer.addScalar("x", 1, 1);
      clock.set(TimeUnit.SECONDS.toNanos(1));
      // Flushes are recorded in order with the clock's time: none came before the second was up.
      assertEquals(TimeUnit.SECONDS.toNanos(1), disk.nextFlush());
      assertEquals(List.of(1L), TbEvents.steps(TbEvents.scalars(TbEvents.readFile(writer.file()), "x")));
    }
  }

  @Test
  void aCutShortLastRecordLosesNothingBeforeIt() throws Exception {
    Path file;
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      for (int step = 1; step <= 5; step++) {
        writer.addScalar("loss", step / 10.0, step);
      }
      file = writer.file();
    }
    byte[] whole = Files.readAllBytes(file);
    byte[] cut = Arrays.copyOf(whole, whole.length - 7);
    TfRecordReader.Records records = TfRecordReader.read(cut);
    assertTrue(records.truncatedTail());
    List<TbEvents.Event> events = TbEvents.decodeAll(records.records());
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    assertEquals(List.of(1L, 2L, 3L, 4L), TbEvents.steps(TbEvents.scalars(events, "loss")));
  }

  @Test
  void blockPolicyLosesNothingEvenWithATinyQueue() throws Exception {
    WriterOptions tiny = WriterOptions.builder().queueCapacity(1).build();
    List<Thread> producers = new ArrayList<>();
    SummaryWriter writer = SummaryWriter.open(dir, tiny);
    for (int t = 0; t < 3; t++) {
      String tag = "thread" + t;
      producers.add(new Thread(() -> {
        for (int step = 0; step < 3000; step++) {
          writer.addScalar(tag, step, step);
        }
      }));
    }
    producers.forEach(Thread::start);
    for (Thread p : producers) {
      p.join();
    }
    writer.close();
    assertEquals(0, writer.droppedEvents());
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    for (int t = 0; t < 3; t++) {
      assertEquals(3000, TbEvents.scalars(events, "thread" + t).size());
    }
  }

  @Test
  void dropPolicyCountsWhatAFullQueueCouldNotTake() throws Exception {
    GatedOpener disk = new GatedOpener();
    WriterOptions dropping = WriterOptions.builder().queueCapacity(4).fullQueuePolicy(FullQueuePolicy.DROP_NEWEST).build();
    SummaryWriter writer = SummaryWriter.open(dir, dropping, disk);
    disk.stall();
    writer.addText("big", "x".repeat(200_000), 0); // larger than the stream buffer: the writer stalls on it
    disk.awaitStalled();
    for (int step = 0; step < 100; step++) {
      writer.addScalar("x", step, step);
    }
    long dropped = writer.droppedEvents();
    assertTrue(dropped >= 100 - 4, "dropped " + dropped);
    disk.release();
    writer.close();
    List<TbEvents.Event> events = TbEvents.readRun(dir);
    assertEquals(100 - dropped, TbEvents.scalars(events, "x").size());
    assertEquals(dropped, writer.droppedEvents());
  }

  @Test
  void aWriteErrorIsReportedByFlushAndNeverBlocksTheCaller() {
    GatedOpener disk = new GatedOpener();
    SummaryWriter writer = SummaryWriter.open(dir, WriterOptions.builder().queueCapacity(2).build(), disk);
    disk.failFromNowOn();
    writer.addText("big", "x".repeat(200_000), 0);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, writer::flush);
    assertTrue(e.getMessage().contains(writer.file().toString()), e.getMessage());
    for (int step = 0; step < 50; step++) {
      writer.addScalar("x", step, step);
    }
    writer.close();
    assertTrue(writer.droppedEvents() >= 50, "dropped " + writer.droppedEvents());
  }

  @Test
  void eventsAfterCloseAreIgnoredAndCounted() {
    SummaryWriter writer = SummaryWriter.open(dir);
    writer.addScalar("x", 1, 1);
    writer.close();
    writer.close();
    writer.addScalar("x", 2, 2);
    writer.flush();
    assertEquals(1, writer.droppedEvents());
    assertEquals(List.of(1L), TbEvents.steps(TbEvents.scalars(TbEvents.readRun(dir), "x")));
  }

  @Test
  void badInputIsRejectedWithTheOptionAndValue() {
    try (SummaryWriter writer = SummaryWriter.open(dir)) {
      assertMessage("tag must be a non-empty string, got \"\"", () -> writer.addScalar("", 1, 0));
      assertMessage("step must be >= 0, got -1", () -> writer.addScalar("x", 1, -1));
      assertMessage("wallTimeSecs must be finite", () -> writer.addScalar("x", 1, 0, Double.NaN));
      assertMessage("histogram 'h' values must be finite, got NaN at index 1",
          () -> writer.addHistogram("h", new double[] {1, Double.NaN}, 0));
      assertMessage("histogram 'h' needs at least one value", () -> writer.addHistogram("h", new double[0], 0));
      assertMessage("hparam 'x' must be a number, boolean, string or enum, got java.util.ArrayList",
          () -> writer.addHparams(Map.of("x", new ArrayList<>()), Map.of()));
      assertMessage("text for tag 't' must be a string, got null", () -> writer.addText("t", null, 0));
    }
    assertMessage("flushSecs must be at least 1 second, got 0", () -> WriterOptions.builder().flushSecs(0).build());
    assertMessage("queueCapacity must be at least 1 event, got 0", () -> WriterOptions.builder().queueCapacity(0).build());
    assertMessage("fullQueuePolicy must be BLOCK or DROP_NEWEST, got null",
        () -> WriterOptions.builder().fullQueuePolicy(null).build());
    assertMessage("logDir must be a folder path, got null", () -> SummaryWriter.open(null));
  }

  @Test
  void anUnwritableFolderFailsAtOpen() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SummaryWriter.open(file.resolve("run")));
    assertTrue(e.getMessage().contains("not-a-folder"), e.getMessage());
  }

  private static void assertMessage(String expectedStart, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  /**
   * A disk that can stall or fail writes after the header, and records the time of each flush. The
   * test waits on events of the writer thread, never on time; {@link #HANG_GUARD_MINUTES} only ends a
   * test whose awaited event can no longer come.
   */
  private static final class GatedOpener implements EventFile.StreamOpener {
    private static final long HANG_GUARD_MINUTES = 5;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final BlockingQueue<Long> flushes = new LinkedBlockingQueue<>();
    private final LongSupplier clock;
    private volatile boolean stalling;
    private volatile boolean failing;

    GatedOpener() {
      this(() -> 0);
    }

    /** Flushes are recorded with this clock's time. */
    GatedOpener(LongSupplier clock) {
      this.clock = clock;
    }

    void stall() {
      stalling = true;
    }

    void awaitStalled() throws InterruptedException {
      assertTrue(stalled.await(HANG_GUARD_MINUTES, TimeUnit.MINUTES), "the writer never reached the disk");
    }

    /** Waits for the next flush that reached the disk, and returns the clock's time at it. */
    long nextFlush() throws InterruptedException {
      Long at = flushes.poll(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
      assertNotNull(at, "the writer never flushed");
      return at;
    }

    void release() {
      stalling = false;
      gate.countDown();
    }

    void failFromNowOn() {
      failing = true;
    }

    @Override
    public OutputStream open(Path file) throws IOException {
      return new FilterOutputStream(EventFile.StreamOpener.FILES.open(file)) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (failing) {
            throw new IOException("No space left on device");
          }
          if (stalling) {
            stalled.countDown();
            try {
              gate.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
          flushes.add(clock.getAsLong());
        }
      };
    }
  }
}

package org.trainer4j.core.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The writer's contract, made deterministic: a gated thread factory holds the writer thread back while
 * a test fills the queue, handlers stop on a latch to stand for a stuck disk, and waits are on latches
 * (their 10 s bounds only catch a broken writer; nothing depends on how fast the machine is).
 */
class BackgroundWriterTest {
  private static final Duration LONG = Duration.ofSeconds(10);
  private static final Duration SHORT = Duration.ofMillis(50);

  private final GatedThreads threads = new GatedThreads();
  private final RecordingLogger log = new RecordingLogger();

  private IntWriter writer(FullQueuePolicy policy, UnaryOperator<WriterConfig.Builder> options) {
    return new IntWriter(options.apply(IntWriter.config(policy).threadFactory(threads).logger(log)).build());
  }

  private List<String> warnings() {
    return log.messages(Level.WARN);
  }

  /** Waits (at most 10 s) until a condition another thread makes true holds. */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen");
      }
      Thread.onSpinWait();
    }
  }

  /** A writer whose handle() is stuck on item 1 (until {@code release}), with item 2 queued. */
  private IntWriter stuckWithOneQueued() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b);
    w.stopAt = 1;
    w.start();
    threads.open();
    w.offer(1);
    w.awaitStopped();
    w.offer(2);
    return w;
  }

  /** Offers on a thread of its own; result() is what offer returned. */
  private static final class Producer extends Thread {
    private final IntWriter writer;
    private final int item;
    final AtomicReference<Boolean> result = new AtomicReference<>();
    final AtomicBoolean interruptedAfter = new AtomicBoolean();

    Producer(IntWriter writer, int item) {
      this.writer = writer;
      this.item = item;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      result.set(writer.offer(item));
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    }

    Boolean result() throws InterruptedException {
      join(TimeUnit.SECONDS.toMillis(10));
      return result.get();
    }
  }

  @Test
  void itemsArriveInOrderInBatchesOfAtMostMaxBatch() {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(16).maxBatch(4));
    w.start();
    for (int i = 1; i <= 10; i++) {
      assertTrue(w.offer(i));
    }
    threads.open();
    assertTrue(w.flush(LONG));
    assertTrue(w.close(LONG));
    assertEquals(List.of("start", "handle [1, 2, 3, 4]", "handle [5, 6, 7, 8]", "handle [9, 10]", "flush after 10",
        "close"), w.events());
    assertEquals(0, w.dropped() + w.discarded());
    assertEquals(List.of(), log.lines());
  }

  @Test
  void eachProducersItemsKeepTheirOrderAndBlockingLosesNone() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(8).maxBatch(3));
    w.start();
    threads.open();
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int base = p * 10_000;
      producers.add(new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          w.offer(base + i);
        }
      }));
    }
    producers.forEach(Thread::start);
    for (Thread t : producers) {
      t.join();
    }
    assertTrue(w.close(LONG));
    List<Integer> handled = w.handled();
    assertEquals(8_000, handled.size());
    for (int p = 0; p < 4; p++) {
      int base = p * 10_000;
      List<Integer> own = handled.stream().filter(i -> i / 10_000 == base / 10_000).toList();
      assertEquals(java.util.stream.IntStream.range(base, base + 2_000).boxed().toList(), own, "producer " + p);
    }
    assertTrue(w.batches().stream().allMatch(batch -> batch.size() <= 3));
    assertEquals(0, w.dropped() + w.discarded());
  }

  @Test
  void dropNewestNeverWaitsAndCountsWhatItDropped() {
    IntWriter w = writer(FullQueuePolicy.DROP_NEWEST, b -> b.capacity(3).itemNoun("rows"));
    w.start(); // the gated thread takes nothing yet
    List<Boolean> accepted = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      accepted.add(w.offer(i));
    }
    assertEquals(List.of(true, true, true, false, false), accepted);
    assertEquals(2, w.dropped());
    assertEquals(List.of("IntWriter[test]: the writer thread has fallen behind and its queue of 3 rows is full; new rows"
        + " are dropped (and counted) rather than making producers wait"), warnings());

    threads.open();
    assertTrue(w.flush(LONG));
    assertEquals(List.of(1, 2, 3), w.handled());
    assertEquals("IntWriter[test]: rows not written so far: 2 (2 dropped because the queue of 3 was full, 0 discarded"
        + " after close or an error)", warnings().get(1));
    assertTrue(w.close(LONG));
    assertEquals(2, warnings().size(), "the same losses are not reported twice: " + warnings());
  }

  @Test
  void blockMakesTheProducerWaitForRoomAndLosesNothing() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(2));
    w.start();
    w.offer(1);
    w.offer(2);
    Producer third = new Producer(w, 3);
    awaitTrue(() -> !warnings().isEmpty(), "the full-queue warning");
    assertEquals(List.of("IntWriter[test]: the writer thread has fallen behind and its queue of 2 items is full;"
        + " producers now wait for room so that nothing is lost"), warnings());
    assertNull(third.result.get(), "the writer has not taken anything, so there is no room yet");

    threads.open();
    assertTrue(third.result());
    assertTrue(w.close(LONG));
    assertEquals(List.of(1, 2, 3), w.handled());
    assertEquals(0, w.dropped() + w.discarded());
  }

  @Test
  void aProducerWaitingForRoomStopsWhenTheWriterIsClosed() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(1));
    w.start();
    w.offer(1);
    Producer second = new Producer(w, 2);
    awaitTrue(() -> !warnings().isEmpty(), "the full-queue warning");
    w.beginClose();
    assertFalse(second.result());
    assertEquals(1, w.discarded());

    threads.open();
    assertTrue(w.awaitClosed(LONG));
    assertEquals(List.of(1), w.handled(), "what was queued before close is still written");
  }

  @Test
  void anInterruptedProducerStopsWaitingDropsItsItemAndKeepsTheInterrupt() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(1));
    w.start();
    w.offer(1);
    Producer second = new Producer(w, 2);
    awaitTrue(() -> !warnings().isEmpty(), "the full-queue warning");
    second.interrupt();
    assertFalse(second.result());
    assertTrue(second.interruptedAfter.get());
    assertEquals(1, w.dropped());
    threads.open();
    assertTrue(w.close(LONG));
    assertEquals(List.of(1), w.handled());
  }

  @Test
  void flushGivesUpAtItsDeadlineWhenTheHandlerIsStuckAndSucceedsOnceItMovesAgain() throws InterruptedException {
    IntWriter w = stuckWithOneQueued();

    assertFalse(w.flush(SHORT));
    assertEquals(List.of("IntWriter[test]: flush did not finish within PT0.05S; items still queued: 1"), warnings());

    w.release.countDown();
    assertTrue(w.flush(LONG));
    assertEquals(List.of(1, 2), w.handled());
    assertTrue(w.close(LONG));
  }

  @Test
  void closeGivesUpAtItsDeadlineAndTheWriterFinishesInTheBackground() throws InterruptedException {
    IntWriter w = stuckWithOneQueued();

    assertFalse(w.close(SHORT));
    assertTrue(w.isClosed());
    assertEquals(List.of("IntWriter[test] did not finish within PT0.05S; items still queued, lost if the JVM exits: 1"), warnings());
    assertFalse(w.offer(3), "closed: later items are not taken");

    w.release.countDown();
    assertTrue(w.awaitClosed(LONG));
    assertEquals(List.of(1, 2), w.handled());
    assertEquals(List.of("close"), w.events().subList(w.events().size() - 1, w.events().size()));
    assertEquals(1, w.discarded());
    threads.made().get(0).join(10_000);
    assertFalse(threads.made().get(0).isAlive());
  }

  @Test
  void closeIsIdempotentAndLaterItemsAreCountedWithOneWarning() {
    IntWriter w = writer(FullQueuePolicy.DROP_NEWEST, b -> b.itemNoun("rows"));
    w.start();
    threads.open();
    w.offer(1);
    assertTrue(w.close(LONG));
    assertTrue(w.close(LONG));
    w.close();
    w.beginClose();
    assertEquals(List.of("start", "handle [1]", "flush after 1", "close"), w.events());

    assertFalse(w.offer(2));
    assertFalse(w.offer(3));
    assertFalse(w.beginClose(4), "already closed: the last item is discarded too");
    assertEquals(3, w.discarded());
    assertEquals(List.of("IntWriter[test] is closed; rows offered after close are not written"), warnings());
    assertTrue(w.flush(LONG), "a flush after close has nothing left to do");
    assertEquals(List.of(1), w.handled());
  }

  @Test
  void aHandlerErrorIsLoggedOnceThenItemsAreTakenButDiscardedSoProducersNeverWait() throws Exception {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(4).maxBatch(1));
    w.failAt = 2;
    w.start();
    for (int i = 1; i <= 4; i++) {
      w.offer(i);
    }
    threads.open();
    for (int i = 5; i <= 104; i++) {
      assertTrue(w.offer(i), "a failed writer still makes room");
    }
    assertFalse(w.flush(LONG), "nothing since the error was written");
    ExecutionException failed = assertThrows(ExecutionException.class, () -> w.flushAsync().get(10, TimeUnit.SECONDS));
    assertEquals("disk full at 2", failed.getCause().getMessage());
    assertEquals("disk full at 2", w.failure().orElseThrow().getMessage());

    assertEquals(List.of(1), w.handled());
    assertEquals(102, w.discarded(), "items 3 to 104, never given to handle()");
    List<RecordingLogger.Line> errors = log.lines().stream().filter(l -> l.level() == Level.ERROR).toList();
    assertEquals(1, errors.size());
    assertEquals("IntWriter[test] failed; items from now on are discarded", errors.get(0).message());
    assertInstanceOf(IOException.class, errors.get(0).thrown());
    assertTrue(warnings().contains("IntWriter[test]: items not written so far: 102 (0 dropped because the queue of 4 was"
        + " full, 102 discarded after close or an error)"), warnings().toString());

    assertTrue(w.close(LONG));
    assertEquals(List.of("start", "handle [1]", "handle [2]", "close"), w.events(),
        "no flush after the error, but onClose to release the file");
  }

  @Test
  void aFailedStartDiscardsEverythingAndStillCloses() {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b);
    w.failOnStart = true;
    w.offer(1);
    w.offer(2);
    w.start();
    threads.open();
    assertTrue(w.close(LONG));
    assertEquals(List.of("start", "close"), w.events());
    assertEquals(2, w.discarded());
    assertEquals("cannot open", w.failure().orElseThrow().getMessage());
    assertEquals(1, log.messages(Level.ERROR).size());
  }

  @Test
  void aFlushCoversExactlyWhatWasOfferedBeforeIt() throws Exception {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.capacity(64).maxBatch(7));
    w.start();
    threads.open();
    Random random = new Random(7);
    int offered = 0;
    for (int round = 0; round < 300; round++) {
      for (int n = random.nextInt(100); n > 0; n--) {
        w.offer(offered++);
      }
      w.flushAsync().get(10, TimeUnit.SECONDS);
      assertEquals(offered, w.handled().size(), "round " + round);
    }
    assertTrue(w.close(LONG));
    assertEquals(java.util.stream.IntStream.range(0, offered).boxed().toList(), w.handled());
  }

  @Test
  void requestFlushNeitherWaitsNorWakesButTheWriterFlushesSoon() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b);
    w.start();
    threads.open();
    w.offer(1);
    w.requestFlush();
    IntWriter.await(w.flushes, "the requested flush");
    assertEquals(List.of("start", "handle [1]", "flush after 1"), w.events());
    assertTrue(w.close(LONG));
  }

  @Test
  void theTimerFlushesWhatWasHandledOnceTheIntervalHasPassed() throws InterruptedException {
    AtomicLong clock = new AtomicLong();
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.flushInterval(Duration.ofSeconds(120)).nanoClock(clock::get));
    w.start();
    threads.open();
    w.offer(1);
    IntWriter.await(w.batchesDone, "handling item 1");
    assertEquals(List.of("start", "handle [1]"), w.events(), "the clock has not moved: no flush");

    clock.addAndGet(TimeUnit.SECONDS.toNanos(120));
    IntWriter.await(w.flushes, "the timed flush");
    assertEquals(List.of("start", "handle [1]", "flush after 1"), w.events());
    assertTrue(w.close(LONG));
  }

  /** A thread that a busy machine runs late must not push the first timed flush back by the delay. */
  @Test
  void theIntervalRunsFromStartEvenWhenTheThreadRunsLate() throws InterruptedException {
    AtomicLong clock = new AtomicLong();
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b.flushInterval(Duration.ofSeconds(120)).nanoClock(clock::get));
    w.start();
    clock.addAndGet(TimeUnit.SECONDS.toNanos(120)); // the interval is up before the thread first runs
    w.offer(1);
    threads.open();
    IntWriter.await(w.flushes, "the timed flush");
    assertEquals(List.of("start", "handle [1]", "flush after 1"), w.events());
    assertTrue(w.close(LONG));
  }

  @Test
  void aLastItemIsHandledAfterEverythingEvenWhenTheQueueIsFull() {
    IntWriter w = writer(FullQueuePolicy.DROP_NEWEST, b -> b.capacity(1));
    w.start();
    w.offer(1);
    assertFalse(w.offer(2));
    assertTrue(w.beginClose(99));
    threads.open();
    assertTrue(w.awaitClosed(LONG));
    assertEquals(List.of("start", "handle [1]", "handle [99]", "flush after 2", "close"), w.events());
  }

  @Test
  void aWriterClosedBeforeItStartedRunsNoHookAndDiscardsItsQueue() {
    IntWriter w = writer(FullQueuePolicy.DROP_NEWEST, b -> b);
    w.offer(1);
    w.offer(2);
    CompletableFuture<Void> flush = w.flushAsync();
    assertTrue(w.close(LONG));
    assertEquals(2, w.discarded());
    assertTrue(flush.isCompletedExceptionally());
    assertEquals(List.of(), w.events());
    assertEquals(List.of(), threads.made());
    IllegalStateException e = assertThrows(IllegalStateException.class, w::start);
    assertEquals("IntWriter[test] was already closed", e.getMessage());
  }

  @Test
  void aHookThatOffersToItsOwnFullQueueDropsInsteadOfWaitingForItself() {
    List<Integer> handled = new ArrayList<>();
    BackgroundWriter<Integer> w = new BackgroundWriter<>(IntWriter.config(FullQueuePolicy.BLOCK).capacity(1)
        .threadFactory(threads).logger(log).build()) {
      @Override
      protected void handle(List<Integer> batch) {
        for (Integer item : batch) {
          handled.add(item);
          if (item == 1) {
            offer(2); // room: the queue is empty while its only item is being handled
            offer(3); // full, and only this thread could make room
          }
        }
      }
    };
    w.start();
    w.offer(1);
    threads.open();
    assertTrue(w.flush(LONG)); // item 1 handled, so its offers came before the close
    assertTrue(w.close(LONG));
    assertEquals(List.of(1, 2), handled);
    assertEquals(1, w.dropped());
  }

  @Test
  void theInjectedFactoryMakesTheThreadWhichRunsAsADaemonAndEndsAtClose() throws InterruptedException {
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b);
    w.start();
    assertEquals(1, threads.made().size());
    Thread t = threads.made().get(0);
    assertEquals("gated-writer-0", t.getName());
    assertTrue(t.isDaemon(), "made a daemon so that it never keeps the JVM from exiting");
    IllegalStateException twice = assertThrows(IllegalStateException.class, w::start);
    assertEquals("IntWriter[test] was already started", twice.getMessage());
    threads.open();
    assertTrue(w.close(LONG));
    t.join(10_000);
    assertFalse(t.isAlive());
  }

  @Test
  void theDefaultThreadIsANamedDaemon() {
    AtomicReference<Thread> writerThread = new AtomicReference<>();
    BackgroundWriter<Integer> w = new BackgroundWriter<>(WriterConfig.builder("csv", FullQueuePolicy.BLOCK)
        .closeAtShutdown(false).build()) {
      @Override
      protected void handle(List<Integer> batch) {
        writerThread.set(Thread.currentThread());
      }
    };
    w.start();
    w.offer(1);
    assertTrue(w.close(LONG));
    assertTrue(writerThread.get().getName().matches("trainer4j-csv-writer-\\d+"), writerThread.get().getName());
    assertTrue(writerThread.get().isDaemon());
  }

  @Test
  void badSettingsAndArgumentsFailEarlyNamingTheOption() {
    assertEquals("name must be a non-blank string such as csv, got null", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder(null, FullQueuePolicy.BLOCK).build()).getMessage());
    assertEquals("fullQueuePolicy must be BLOCK or DROP_NEWEST, got null", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder("x", null).build()).getMessage());
    assertEquals("capacity must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder("x", FullQueuePolicy.BLOCK).capacity(0).build()).getMessage());
    assertEquals("maxBatch must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder("x", FullQueuePolicy.BLOCK).maxBatch(-1).build()).getMessage());
    assertEquals("flushInterval must be a positive duration, got PT0S", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder("x", FullQueuePolicy.BLOCK).flushInterval(Duration.ZERO).build()).getMessage());
    assertEquals("closeTimeout must be a duration of 0 or more, got PT-1S", assertThrows(IllegalArgumentException.class,
        () -> WriterConfig.builder("x", FullQueuePolicy.BLOCK).closeTimeout(Duration.ofSeconds(-1)).build())
        .getMessage());
    assertEquals("itemNoun must be a non-blank word such as rows, got \"\"", assertThrows(
        IllegalArgumentException.class, () -> WriterConfig.builder("x", FullQueuePolicy.BLOCK).itemNoun("").build())
        .getMessage());
    IntWriter w = writer(FullQueuePolicy.BLOCK, b -> b);
    assertEquals("item must not be null", assertThrows(IllegalArgumentException.class, () -> w.offer(null))
        .getMessage());
    assertEquals("timeout must be a duration of 0 or more, got null", assertThrows(IllegalArgumentException.class,
        () -> w.flush(null)).getMessage());
    w.close();
  }
}

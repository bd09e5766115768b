package org.trainer4j.core.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The one shutdown hook's registry, run directly on a detached registry (a real JVM exit is in {@link
 * ShutdownHookChildTest}).
 */
class ShutdownRegistryTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  private final ShutdownRegistry registry = ShutdownRegistry.detached();
  private final GatedThreads threads = new GatedThreads();
  private final RecordingLogger log = new RecordingLogger();

  private IntWriter registered(UnaryOperator<WriterConfig.Builder> options) {
    IntWriter w = new IntWriter(options.apply(IntWriter.config(FullQueuePolicy.BLOCK).closeAtShutdown(true)
        .shutdownRegistry(registry).threadFactory(threads).logger(log)).build());
    w.start();
    return w;
  }

  @Test
  void closeAllClosesEveryOpenWriterAfterItHandledWhatWasQueued() throws InterruptedException {
    IntWriter first = registered(b -> b);
    IntWriter second = registered(b -> b);
    for (int i = 1; i <= 3; i++) {
      first.offer(i);
      second.offer(10 * i);
    }
    assertEquals(2, registry.tasks().size());
    threads.open();

    assertTrue(registry.closeAll());
    assertTrue(first.isClosed() && second.isClosed());
    assertEquals(List.of("start", "handle [1, 2, 3]", "flush after 3", "close"), first.events());
    assertEquals(List.of("start", "handle [10, 20, 30]", "flush after 3", "close"), second.events());
    assertEquals(List.of(), registry.tasks(), "closed writers unregister");
  }

  @Test
  void writersRegisterWhenStartedAndUnregisterWhenClosed() {
    IntWriter notStarted = new IntWriter(IntWriter.config(FullQueuePolicy.BLOCK).closeAtShutdown(true)
        .shutdownRegistry(registry).build());
    IntWriter started = registered(b -> b);
    assertEquals(1, registry.tasks().size());
    assertEquals("IntWriter[test]", registry.tasks().get(0).toString());
    threads.open();
    assertTrue(started.close(LONG));
    assertEquals(List.of(), registry.tasks());
    notStarted.close();

    IntWriter unregistered = new IntWriter(IntWriter.config(FullQueuePolicy.BLOCK).shutdownRegistry(registry).build());
    unregistered.start();
    assertEquals(List.of(), registry.tasks(), "closeAtShutdown(false): the owner closes it");
    unregistered.close();
  }

  @Test
  void aStuckWriterCostsItsOwnTimeoutOnlyAndTheOthersStillClose() throws InterruptedException {
    IntWriter stuck = registered(b -> b.closeTimeout(Duration.ofMillis(50)));
    IntWriter healthy = registered(b -> b);
    stuck.stopAt = 1;
    stuck.offer(1);
    healthy.offer(7);
    threads.open();
    stuck.awaitStopped();

    assertFalse(registry.closeAll());
    assertEquals(List.of("start", "handle [7]", "flush after 1", "close"), healthy.events());
    assertEquals(List.of("IntWriter[test] did not finish within PT0.05S; items still queued, lost if the JVM exits: 0"), log.messages(Level.WARN));
    assertEquals(1, registry.tasks().size(), "the stuck writer stays registered until its thread ends");

    stuck.release.countDown();
    assertTrue(stuck.awaitClosed(LONG));
    assertEquals(List.of(), registry.tasks());
  }

  @Test
  void theHookHandsTheWritersFinalItemLastButAnOwnersCloseDoesNot() {
    IntWriter atShutdown = registered(b -> b);
    IntWriter closedByOwner = registered(b -> b);
    atShutdown.itemAtShutdown = -1;
    closedByOwner.itemAtShutdown = -1;
    atShutdown.offer(1);
    atShutdown.offer(2);
    closedByOwner.offer(1);
    threads.open();

    assertTrue(closedByOwner.close(LONG));
    assertTrue(registry.closeAll());
    assertEquals(List.of(1, 2, -1), atShutdown.handled());
    assertEquals(List.of(1), closedByOwner.handled());
  }

  @Test
  void aTaskThatThrowsIsLoggedAndDoesNotStopTheOthers() {
    ShutdownTask broken = new ShutdownTask() {
      @Override
      public Duration shutdownTimeout() {
        return LONG;
      }

      @Override
      public void beginShutdown() {
        throw new IllegalStateException("broken begin");
      }

      @Override
      public boolean awaitShutdown(long deadlineNanos) {
        throw new IllegalStateException("broken await");
      }
    };
    registry.register(broken);
    IntWriter writer = registered(b -> b);
    writer.offer(1);
    threads.open();

    assertFalse(registry.closeAll());
    assertEquals(List.of(1), writer.handled());
    assertTrue(writer.isClosed());
  }

  @Test
  void aRegistrationClosedByItsOwnerIsNotRun() {
    ShutdownRegistry.Registration r = registry.register(new ShutdownTask() {
      @Override
      public Duration shutdownTimeout() {
        return LONG;
      }

      @Override
      public void beginShutdown() {
        throw new AssertionError("must not run");
      }

      @Override
      public boolean awaitShutdown(long deadlineNanos) {
        throw new AssertionError("must not run");
      }
    });
    r.close();
    r.close();
    assertTrue(registry.closeAll());
  }

  @Test
  void theJvmRegistryIsOneAndNullIsRefused() {
    assertSame(ShutdownRegistry.jvm(), ShutdownRegistry.jvm());
    assertEquals("task must be a ShutdownTask, got null",
        assertThrows(IllegalArgumentException.class, () -> registry.register(null)).getMessage());
  }
}

package org.trainer4j.core.writer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM shutdown hook for every open writer, instead of one hook per writer. Writers register when
 * they start and unregister when their thread has ended; at JVM exit the hook closes whatever is still
 * registered: it begins closing all of them at once, then waits for each until its own {@link
 * ShutdownTask#shutdownTimeout()} after the hook started. So the JVM's exit waits at most as long as
 * the longest timeout, however many writers are open.
 *
 * <p>{@link #jvm()} is the registry that the hook runs (installed at the first registration); {@link
 * #detached()} makes one that no hook runs, for a test or an owner that calls {@link #closeAll()}
 * itself. Thread-safe.
 */
public final class ShutdownRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownRegistry.class);
  private static final ShutdownRegistry JVM = new ShutdownRegistry(true);

  private final boolean hooked;
  private final Set<Registration> registrations = new LinkedHashSet<>();
  private boolean hookInstalled;

  private ShutdownRegistry(boolean hooked) {
    this.hooked = hooked;
  }

  /** The registry the JVM's shutdown hook closes. */
  public static ShutdownRegistry jvm() {
    return JVM;
  }

  /** A new registry that no shutdown hook runs: only {@link #closeAll()} closes its tasks. */
  public static ShutdownRegistry detached() {
    return new ShutdownRegistry(false);
  }

  /**
   * Adds a task, to be closed by {@link #closeAll()} unless its registration is closed first. The
   * first registration with {@link #jvm()} installs the JVM shutdown hook.
   *
   * @throws IllegalArgumentException when {@code task} is null
   */
  public Registration register(ShutdownTask task) {
    if (task == null) {
      throw new IllegalArgumentException("task must be a ShutdownTask, got null");
    }
    Registration registration = new Registration(task);
    synchronized (registrations) {
      registrations.add(registration);
      if (hooked && !hookInstalled) {
        hookInstalled = true;
        installHook();
      }
    }
    return registration;
  }

  /**
   * Closes every registered task: begins closing all of them, then waits for each in registration
   * order until its own timeout after this call began. The JVM's hook runs this; a test may call it
   * directly. A task that throws is logged and does not stop the others.
   *
   * @return whether every task finished within its timeout
   */
  public boolean closeAll() {
    long start = System.nanoTime();
    List<Registration> open;
    synchronized (registrations) {
      open = new ArrayList<>(registrations);
    }
    for (Registration r : open) {
      try {
        r.task.beginShutdown();
      } catch (RuntimeException e) {
        LOG.error("could not begin closing {} at shutdown", r.task, e);
      }
    }
    boolean all = true;
    for (Registration r : open) {
      try {
        all &= r.task.awaitShutdown(start + r.task.shutdownTimeout().toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (RuntimeException e) {
        all = false;
        LOG.error("could not close {} at shutdown", r.task, e);
      }
    }
    return all;
  }

  /** The tasks registered now, in registration order. */
  List<ShutdownTask> tasks() {
    synchronized (registrations) {
      return registrations.stream().map(r -> r.task).toList();
    }
  }

  private void installHook() {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "trainer4j-writers-shutdown"));
    } catch (IllegalStateException shuttingDown) {
      LOG.debug("the JVM is already shutting down; writers opened now are not closed at exit");
    }
  }

  /** A task's place in the registry; {@link #close()} removes it. */
  public final class Registration implements AutoCloseable {
    private final ShutdownTask task;

    private Registration(ShutdownTask task) {
      this.task = task;
    }

    /** Removes the task: the shutdown hook will not close it. Idempotent. */
    @Override
    public void close() {
      synchronized (registrations) {
        registrations.remove(this);
      }
    }
  }
}

package org.trainer4j.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The single-host launcher, {@code torchrun --nproc_per_node} for the JVM: starts N worker JVMs of one
 * main class with this JVM's class path, each with {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK},
 * {@code LOCAL_WORLD_SIZE} and the tracker's {@code MASTER_ADDR}/{@code MASTER_PORT} in its environment,
 * and streams their output prefixed by rank ({@code [rank 1] ...}).
 *
 * <p>When a worker exits with a failure, the job fails: the others get {@link #GRACE_SECONDS} to report
 * their own error (their next exchange fails at once), then are killed, and the launcher exits with the
 * failed worker's code after a message naming it and the last checkpoint in the output folder.
 *
 * <pre>
 * java -cp app.jar org.trainer4j.distributed.Launcher --nproc_per_node 2 [--timeout 60] \
 *     com.example.Train --output_dir out ...
 * </pre>
 */
public final class Launcher {
  /** How long the other workers may take to stop after one failed, before they are killed. */
  static final int GRACE_SECONDS = 5;

  private Launcher() {}

  /**
   * What to launch.
   *
   * @param processes workers ({@code --nproc_per_node})
   * @param timeoutSeconds how long a worker waits for the others, at start-up and in each exchange
   * @param jvmOptions options for each worker JVM (e.g. {@code -Xmx2g})
   * @param mainClass the workers' main class
   * @param args its arguments; an {@code --output_dir} among them is where checkpoints are looked for
   */
  public record Job(int processes, int timeoutSeconds, List<String> jvmOptions, String mainClass, List<String> args) {
    public Job {
      if (processes < 1) {
        throw new IllegalArgumentException("--nproc_per_node must be at least 1, not " + processes);
      }
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("--timeout must be at least 1 (seconds), not " + timeoutSeconds);
      }
      jvmOptions = List.copyOf(jvmOptions);
      args = List.copyOf(args);
    }

    /** The value of {@code --output_dir} in the workers' arguments, if any. */
    Optional<Path> outputDir() {
      for (int i = 0; i < args.size() - 1; i++) {
        if (args.get(i).equals("--output_dir")) {
          return Optional.of(Path.of(args.get(i + 1)));
        }
      }
      return Optional.empty();
    }
  }

  public static void main(String[] argv) {
    System.exit(run(parse(argv), System.out, System.err));
  }

  /** Reads {@code --nproc_per_node N [--timeout S] [--jvm-option O]... MainClass args...}. */
  static Job parse(String[] argv) {
    int processes = 1;
    int timeout = WorkerEnvironment.DEFAULT_TIMEOUT_SECONDS;
    List<String> jvm = new ArrayList<>();
    int i = 0;
    for (; i < argv.length && argv[i].startsWith("--"); i += 2) {
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(argv[i] + " needs a value");
      }
      switch (argv[i]) {
        case "--nproc_per_node" -> processes = integer("--nproc_per_node", argv[i + 1]);
        case "--timeout" -> timeout = integer("--timeout", argv[i + 1]);
        case "--jvm-option" -> jvm.add(argv[i + 1]);
        default -> throw new IllegalArgumentException("unknown launcher option " + argv[i]
            + "; allowed: --nproc_per_node N, --timeout SECONDS, --jvm-option OPTION, then the main class");
      }
    }
    if (i >= argv.length) {
      throw new IllegalArgumentException("no main class given: Launcher --nproc_per_node N MainClass [args...]");
    }
    return new Job(processes, timeout, jvm, argv[i], List.of(argv).subList(i + 1, argv.length));
  }

  /**
   * Runs the job to its end.
   *
   * @return 0 when every worker succeeded, else the exit code of the first worker that failed
   */
  public static int run(Job job, PrintStream out, PrintStream err) {
    // One worker exchanges nothing: no tracker to meet at.
    Tracker tracker = job.processes() > 1 ? Tracker.start(job.processes(), "127.0.0.1", job.timeoutSeconds()) : null;
    List<Process> workers = new ArrayList<>();
    try {
      List<Thread> streams = new ArrayList<>();
      for (int rank = 0; rank < job.processes(); rank++) {
        WorkerEnvironment env = new WorkerEnvironment(rank, job.processes(), rank, job.processes(),
            tracker != null ? tracker.host() : "127.0.0.1", tracker != null ? tracker.port() : 0,
            job.timeoutSeconds());
        Process p = start(job, env);
        workers.add(p);
        streams.add(stream(p.getInputStream(), "[rank " + rank + "] ", out));
        streams.add(stream(p.getErrorStream(), "[rank " + rank + "] ", err));
      }
      int failed = awaitFirstFailure(workers);
      if (failed < 0) {
        joinAll(streams);
        if (tracker != null) {
          tracker.awaitEnd(GRACE_SECONDS);
        }
        return 0;
      }
      int code = workers.get(failed).exitValue();
      stopOthers(workers);
      joinAll(streams);
      err.println(failureMessage(job, failed, workers.get(failed).pid(), code));
      return code == 0 ? 1 : code;
    } finally {
      workers.forEach(Process::destroyForcibly);
      if (tracker != null) {
        tracker.close();
      }
    }
  }

  static String failureMessage(Job job, int rank, long pid, int code) {
    String how = code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
    return "distributed job failed: worker " + rank + " of " + job.processes() + " (pid " + pid + ") " + how
        + "; the other workers were stopped; " + ResumeAdvice.of(job.outputDir());
  }

  /** The rank of the first worker that exits with a failure, or -1 when all succeed. */
  private static int awaitFirstFailure(List<Process> workers) {
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    for (int rank = 0; rank < workers.size(); rank++) {
      int r = rank;
      exits.add(workers.get(rank).onExit().thenApply(p -> r));
    }
    List<CompletableFuture<Integer>> pending = new ArrayList<>(exits);
    while (!pending.isEmpty()) {
      int rank = (Integer) CompletableFuture.anyOf(pending.toArray(CompletableFuture[]::new)).join();
      if (workers.get(rank).exitValue() != 0) {
        return rank;
      }
      pending.remove(exits.get(rank));
    }
    return -1;
  }

  private static void stopOthers(List<Process> workers) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (Process p : workers) {
      try {
        long left = deadline - System.nanoTime();
        if (!p.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static Process start(Job job, WorkerEnvironment env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(job.jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(job.mainClass());
    command.addAll(job.args());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env.toVariables());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new CollectiveException("cannot start worker " + env.rank() + ": " + e.getMessage(), e);
    }
  }

  private static Thread stream(InputStream from, String prefix, PrintStream to) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (to) {
            to.println(prefix + line);
          }
        }
      } catch (IOException e) {
        // The worker is gone; its output ends here.
      }
    }, "launcher-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void joinAll(List<Thread> threads) {
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(GRACE_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, not '" + value + "'", e);
    }
  }
}

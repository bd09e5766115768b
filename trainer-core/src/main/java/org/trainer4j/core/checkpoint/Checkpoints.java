package org.trainer4j.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code checkpoint-<step>} folders of an output folder: finding the latest, writing one atomically
 * (into a temporary folder, renamed when complete), replacing one without ever being without it, and
 * rotating old ones away. A process killed at any moment of these leaves every {@code checkpoint-N}
 * complete, and {@link #recoverInterruptedSaves} puts the output folder back in order at the next start.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern NAME = Pattern.compile("^checkpoint-(\\d+)$");
  /** A save in progress: {@code .tmp-checkpoint-<step>-<random>}; never taken for a checkpoint. */
  static final String TEMPORARY_PREFIX = ".tmp-";
  /** A checkpoint being replaced by a new save of the same step, kept until the new one is in place. */
  static final String REPLACED_PREFIX = ".replaced-";
  /** A checkpoint being deleted (rotation, overwrite_output_dir): renamed first, then emptied. */
  static final String DELETING_PREFIX = ".deleting-";

  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String SCHEDULER = "scheduler.json";
  public static final String LOOP_STATE = "loop_state.json";
  public static final String TRAINER_STATE = "trainer_state.json";
  public static final String TRAINING_ARGS = "training_args.json";
  /** The files of a checkpoint a run can continue exactly from. */
  public static final List<String> FULL = List.of(MODEL, OPTIMIZER, SCHEDULER, LOOP_STATE, TRAINER_STATE, TRAINING_ARGS);
  /** The files of a {@code save_only_model} checkpoint. */
  public static final List<String> MODEL_ONLY = List.of(MODEL, TRAINER_STATE, TRAINING_ARGS);

  /** The moments of a save and of a deletion, in order, at which a test may stop the process. */
  public enum Phase {
    /** The temporary folder exists, still empty. */
    TEMPORARY_CREATED,
    /** Every file is written into the temporary folder and forced to disk; nothing renamed yet. */
    TEMPORARY_COMPLETE,
    /** A save of a step that already has a checkpoint: the old folder has been renamed aside. */
    OLD_MOVED_ASIDE,
    /** The new folder has its final name; a replaced old folder is not yet deleted. */
    RENAMED,
    /** A checkpoint to delete has been renamed to its {@code .deleting-} name. */
    DELETION_STARTED,
    /** Some but not all files of a checkpoint being deleted are gone. */
    DELETION_HALF_DONE
  }

  /** Told of each {@link Phase} as it is reached; for fault-injection tests of the kill-safety above. */
  private static volatile Consumer<Phase> phaseListener = phase -> { };

  private Checkpoints() {}

  /** Calls {@code listener} at each {@link Phase} of every later save and deletion in this JVM (tests only). */
  static void onPhase(Consumer<Phase> listener) {
    phaseListener = listener;
  }

  /** The folder name of the checkpoint at a step. */
  public static String folderName(int globalStep) {
    return "checkpoint-" + globalStep;
  }

  /** The step of a {@code checkpoint-<step>} folder, or empty for any other name. */
  public static Optional<Integer> step(Path folder) {
    Matcher m = NAME.matcher(folder.getFileName().toString());
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /**
   * The {@code checkpoint-<step>} folders of {@code outputDir}, oldest step first (HF's glob: the name
   * decides; {@link #requireComplete} checks the contents).
   */
  public static List<Path> list(Path outputDir) {
    if (!Files.isDirectory(outputDir)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir)) {
      for (Path p : entries) {
        if (step(p).isPresent() && Files.isDirectory(p)) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + outputDir, e);
    }
    found.sort(Comparator.comparing(p -> step(p).orElseThrow()));
    return found;
  }

  /** The checkpoint with the highest step in {@code outputDir} (HF's {@code get_last_checkpoint}). */
  public static Optional<Path> latest(Path outputDir) {
    List<Path> all = list(outputDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * Refuses a checkpoint that lacks one of {@code files}, naming what is missing: a resume from it would
   * silently differ from the run that wrote it.
   *
   * @throws IllegalArgumentException naming the folder and the missing files
   */
  public static void requireComplete(Path checkpoint, List<String> files, String why) {
    List<String> missing = files.stream().filter(f -> !Files.isRegularFile(checkpoint.resolve(f))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " is incomplete: it has no "
          + String.join(", ", missing) + " (" + why + ")");
    }
  }

  /** Something that fills a folder with a checkpoint's files. */
  @FunctionalInterface
  public interface FolderWriter {
    void write(Path folder) throws IOException;
  }

  /**
   * Writes a checkpoint into a temporary folder, forces it to disk, then renames it to {@code target}:
   * a crash at any moment leaves either the complete folder or none under that name. When {@code
   * target} exists (a second save at the same step) it is renamed aside first and deleted only once the
   * new folder has its name; a crash in between leaves the old one, which {@link
   * #recoverInterruptedSaves} puts back.
   */
  public static void writeAtomically(Path target, FolderWriter writer) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempDirectory(parent, TEMPORARY_PREFIX + target.getFileName() + "-");
    Path replaced = null;
    try {
      phaseListener.accept(Phase.TEMPORARY_CREATED);
      writer.write(temporary);
      syncTree(temporary);
      phaseListener.accept(Phase.TEMPORARY_COMPLETE);
      if (Files.exists(target)) {
        replaced = parent.resolve(REPLACED_PREFIX + target.getFileName() + "-" + uniqueSuffix());
        move(target, replaced);
        syncDirectory(parent);
        phaseListener.accept(Phase.OLD_MOVED_ASIDE);
      }
      move(temporary, target);
      syncDirectory(parent);
      phaseListener.accept(Phase.RENAMED);
    } catch (IOException | RuntimeException e) {
      if (replaced != null && !Files.exists(target)) {
        move(replaced, target); // the new one never arrived: keep the old one
        replaced = null;
      }
      deleteTree(temporary);
      throw e;
    }
    if (replaced != null) {
      deleteTree(replaced);
    }
  }

  /** A positive number, different for each call in practice; no dash, so the step before it stays readable. */
  private static long uniqueSuffix() {
    return System.nanoTime() & Long.MAX_VALUE;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /**
   * Puts an output folder back in order after a crash: a checkpoint that was being replaced comes back
   * when its replacement never got its name, and temporary folders and half-deleted checkpoints go.
   */
  public static void recoverInterruptedSaves(Path outputDir) {
    if (!Files.isDirectory(outputDir)) {
      return;
    }
    List<Path> leftovers = new ArrayList<>();
    // Only this class's own names: other hidden files of the folder are none of its business.
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir, ".{tmp,replaced,deleting}-checkpoint-*")) {
      entries.forEach(leftovers::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean interrupted saves in " + outputDir, e);
    }
    leftovers.sort(Comparator.naturalOrder());
    for (Path p : leftovers) {
      String name = p.getFileName().toString();
      Optional<Path> original = name.startsWith(REPLACED_PREFIX) ? replacedCheckpoint(p) : Optional.empty();
      if (original.isPresent() && !Files.exists(original.get())) {
        LOG.warn("Restoring {}: a save of the same step was interrupted before it replaced it", original.get());
        try {
          move(p, original.get());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot restore " + original.get() + " from " + p, e);
        }
        syncDirectory(outputDir);
      } else {
        LOG.info("Removing {}, left by a save or deletion that was interrupted", p);
        deleteTree(p);
      }
    }
  }

  private static Optional<Path> replacedCheckpoint(Path replaced) {
    Matcher m = Pattern.compile("^" + Pattern.quote(REPLACED_PREFIX) + "(checkpoint-\\d+)-[^-]+$")
        .matcher(replaced.getFileName().toString());
    return m.matches() ? Optional.of(replaced.resolveSibling(m.group(1))) : Optional.empty();
  }

  /**
   * Deletes the oldest checkpoints beyond {@code limit}, never the newest nor those in {@code protect}
   * (the best one); keeps {@code max(limit, protected)} folders, as HF v5's {@code rotate_checkpoints}.
   *
   * @return the folders deleted
   */
  public static List<Path> rotate(Path outputDir, int limit, Set<Path> protect) {
    List<Path> all = list(outputDir);
    if (all.size() <= limit) {
      return List.of();
    }
    Path newest = all.get(all.size() - 1);
    List<Path> deletable = new ArrayList<>();
    long protectedCount = 0;
    for (Path p : all) {
      boolean keep = p.equals(newest) || protect.stream().anyMatch(q -> sameFile(p, q));
      if (keep) {
        protectedCount++;
      } else {
        deletable.add(p);
      }
    }
    long keepTotal = Math.max(limit, protectedCount);
    long toDelete = Math.min(deletable.size(), all.size() - keepTotal);
    List<Path> deleted = new ArrayList<>();
    for (int i = 0; i < toDelete; i++) {
      Path p = deletable.get(i);
      LOG.info("Deleting older checkpoint {} due to save_total_limit={}", p, limit);
      delete(p);
      deleted.add(p);
    }
    return deleted;
  }

  /**
   * HF's end of training with {@code save_total_limit=1}: every checkpoint but the best one is deleted,
   * the last one included, so that only the best stays.
   *
   * @return the folders deleted
   */
  public static List<Path> keepOnly(Path outputDir, Path best) {
    if (!Files.isDirectory(best)) {
      return List.of();
    }
    List<Path> deleted = new ArrayList<>();
    for (Path p : list(outputDir)) {
      if (!sameFile(p, best)) {
        LOG.info("Deleting older checkpoint {} due to save_total_limit=1 (only the best, {}, stays)", p, best);
        delete(p);
        deleted.add(p);
      }
    }
    return deleted;
  }

  private static boolean sameFile(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  /**
   * Deletes a checkpoint folder so that a crash part-way never leaves a {@code checkpoint-N} with files
   * missing: it is first renamed to a {@code .deleting-} name (which {@link #recoverInterruptedSaves}
   * cleans up).
   */
  public static void delete(Path checkpoint) {
    Path doomed = checkpoint.resolveSibling(DELETING_PREFIX + checkpoint.getFileName() + "-" + uniqueSuffix());
    try {
      move(checkpoint, doomed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete checkpoint " + checkpoint, e);
    }
    phaseListener.accept(Phase.DELETION_STARTED);
    deleteTree(doomed);
  }

  /** Deletes a folder and everything in it. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> doomed = walk.sorted(Comparator.reverseOrder()).toList();
      for (int i = 0; i < doomed.size(); i++) {
        Files.deleteIfExists(doomed.get(i));
        if (i == 0 && doomed.size() > 2 && root.getFileName().toString().startsWith(DELETING_PREFIX)) {
          phaseListener.accept(Phase.DELETION_HALF_DONE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private static void syncTree(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    }
    syncDirectory(folder);
  }

  private static void syncDirectory(Path folder) {
    // Linux lets a directory be opened read-only and fsynced so that renames in it are durable.
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(folder, java.nio.file.StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync folder {}: {}", folder, e.toString());
    }
  }
}

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code checkpoint-<step>} folders of an output folder: finding the latest, writing one atomically
 * (into a temporary folder, renamed when complete), and rotating old ones away.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern NAME = Pattern.compile("^checkpoint-(\\d+)$");
  /** Temporary folders start with this; a crash may leave one, and it is never taken for a checkpoint. */
  static final String TEMPORARY_PREFIX = ".tmp-checkpoint-";

  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String SCHEDULER = "scheduler.json";
  public static final String LOOP_STATE = "loop_state.json";
  public static final String TRAINER_STATE = "trainer_state.json";
  public static final String TRAINING_ARGS = "training_args.json";

  private Checkpoints() {}

  /** The folder name of the checkpoint at a step. */
  public static String folderName(int globalStep) {
    return "checkpoint-" + globalStep;
  }

  /** The step of a {@code checkpoint-<step>} folder, or empty for any other name. */
  public static Optional<Integer> step(Path folder) {
    Matcher m = NAME.matcher(folder.getFileName().toString());
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /** The checkpoint folders of {@code outputDir} that hold a {@code trainer_state.json}, oldest step first. */
  public static List<Path> list(Path outputDir) {
    if (!Files.isDirectory(outputDir)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir)) {
      for (Path p : entries) {
        if (Files.isDirectory(p) && step(p).isPresent() && Files.isRegularFile(p.resolve(TRAINER_STATE))) {
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

  /** Something that fills a folder with a checkpoint's files. */
  @FunctionalInterface
  public interface FolderWriter {
    void write(Path folder) throws IOException;
  }

  /**
   * Writes a checkpoint into a temporary folder, forces it to disk, then renames it to {@code target}:
   * a crash at any moment leaves either the complete folder or none under that name.
   */
  public static void writeAtomically(Path target, FolderWriter writer) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempDirectory(parent, TEMPORARY_PREFIX + target.getFileName() + "-");
    try {
      writer.write(temporary);
      syncTree(temporary);
      if (Files.exists(target)) {
        delete(target); // a save at the same step again replaces the old one
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target);
      }
      syncDirectory(parent);
    } catch (IOException | RuntimeException e) {
      deleteTree(temporary);
      throw e;
    }
  }

  /** Deletes temporary folders left by an interrupted save. */
  public static void removeInterruptedSaves(Path outputDir) {
    if (!Files.isDirectory(outputDir)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir, TEMPORARY_PREFIX + "*")) {
      for (Path p : entries) {
        LOG.info("Removing {}, left by a save that was interrupted", p);
        deleteTree(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean interrupted saves in " + outputDir, e);
    }
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

  private static boolean sameFile(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  /**
   * Deletes a checkpoint folder so that a crash part-way never leaves a {@code checkpoint-N} with files
   * missing: it is first renamed to a temporary name (which {@link #removeInterruptedSaves} cleans up).
   */
  public static void delete(Path checkpoint) {
    Path doomed = checkpoint.resolveSibling(TEMPORARY_PREFIX + checkpoint.getFileName() + "-deleted-" + System.nanoTime());
    try {
      Files.move(checkpoint, doomed, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete checkpoint " + checkpoint, e);
    }
    deleteTree(doomed);
  }

  /** Deletes a folder and everything in it. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
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

package org.trainer4j.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The temporary folders the runs write into (output_dir, event files, W&B runs); core's {@code
 * Checkpoints.deleteTree} removes them.
 */
final class ScratchFolders {
  private ScratchFolders() {}

  static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder", e);
    }
  }
}

package org.trainer4j.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.util.passthrough.PassthroughNDManager;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;

/** Without the engine jars, the Trainer says which ones to add instead of "Not supported by PassthroughNDManager". */
class EngineCheckTest {
  private static final String ENGINE = "ai.djl.pytorch:pytorch-engine:0.36.0";
  private static final String JNI = "ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0";
  private static final String NATIVE = "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier " + EngineCheck.classifier() + ")";

  @TempDir Path dir;

  /** The test class path without the jars whose path matches {@code drop}. */
  private static List<String> classPath(Predicate<String> drop) {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!drop.test(entry.replace('\\', '/'))) {
        kept.add(entry);
      }
    }
    return kept;
  }

  private static URLClassLoader loader(Predicate<String> drop) throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : classPath(drop)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void theMessageNamesEachMissingJarWithItsMavenCoordinates() throws Exception {
    try (URLClassLoader none = loader(p -> p.contains("/ai/djl/pytorch/"));
        URLClassLoader noNative = loader(p -> p.contains("/pytorch-native-cpu/"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> EngineCheck.requireEngine(PassthroughNDManager.INSTANCE, none));
      assertEquals("no DJL engine is on the class path, so DJL gives the Trainer its PassthroughNDManager, which can"
          + " neither create nor train arrays (\"Not supported by PassthroughNDManager\"). Missing: " + ENGINE + ", "
          + JNI + ", " + NATIVE + ". Add them as dependencies (README.md, \"Using it in your project\";"
          + " docs/MODULES.md has whole POMs) and run with -Dai.djl.offline=true so that a missing native jar fails"
          + " at once.", e.getMessage());
      assertTrue(EngineCheck.noEngineMessage(noNative).contains("Missing: " + NATIVE + ". "),
          EngineCheck.noEngineMessage(noNative));
    }
  }

  @Test
  void anEngineManagerPasses() {
    try (NDManager manager = NDManager.newBaseManager()) {
      assertDoesNotThrow(() -> EngineCheck.requireEngine(manager, getClass().getClassLoader()));
    }
  }

  @Test
  void aFirstProgramWithoutTheEngineJarsIsToldWhatToAdd() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
        String.join(File.pathSeparator, classPath(p -> p.contains("/ai/djl/pytorch/"))),
        NoEngineChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, child.exitValue(), output);
    assertTrue(output.contains("Missing: " + ENGINE + ", " + JNI + ", " + NATIVE), output);
  }
}

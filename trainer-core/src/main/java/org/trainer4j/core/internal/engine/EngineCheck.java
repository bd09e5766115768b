package org.trainer4j.core.internal.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.util.passthrough.PassthroughNDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.trainer4j.core.Trainer;

/**
 * Fails early, saying which jars to add, when no DJL engine is on the class path: DJL then hands out its
 * {@code PassthroughNDManager}, and training fails deep inside with "Not supported by
 * PassthroughNDManager".
 */
public final class EngineCheck {
  private EngineCheck() {}

  /** @throws IllegalStateException naming the missing engine jars when {@code manager} is DJL's stand-in */
  public static void requireEngine(NDManager manager, ClassLoader loader) {
    if (manager instanceof PassthroughNDManager) {
      throw new IllegalStateException(noEngineMessage(loader));
    }
  }

  public static String noEngineMessage(ClassLoader loader) {
    Properties jars = jars();
    List<String> missing = new ArrayList<>();
    if (!present(loader, "ai/djl/pytorch/engine/PtEngineProvider.class")) {
      missing.add(jars.getProperty("pytorch-engine"));
    }
    if (!present(loader, "jnilib/pytorch.properties")) {
      missing.add(jars.getProperty("pytorch-jni"));
    }
    if (!present(loader, "native/lib/pytorch.properties")) {
      missing.add(jars.getProperty("pytorch-native-cpu") + " (classifier " + classifier() + ")");
    }
    return "no DJL engine is on the class path, so DJL gives the Trainer its PassthroughNDManager, which can"
        + " neither create nor train arrays (\"Not supported by PassthroughNDManager\"). Missing: "
        + (missing.isEmpty() ? "none of the PyTorch engine jars, yet DJL found no engine: check that they are"
            + " loaded by the class loader of your application" : String.join(", ", missing))
        + ". Add them as dependencies (README.md, \"Using it in your project\"; docs/MODULES.md has whole POMs)"
        + " and run with -Dai.djl.offline=true so that a missing native jar fails at once.";
  }

  private static boolean present(ClassLoader loader, String resource) {
    return loader.getResource(resource) != null;
  }

  /** DJL's name for this platform's native jar: linux-x86_64, linux-aarch64, osx-aarch64 or win-x86_64. */
  public static String classifier() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName = os.startsWith("win") ? "win" : os.startsWith("mac") ? "osx" : "linux";
    return osName + "-" + (arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : "x86_64");
  }

  private static Properties jars() {
    Properties p = new Properties();
    try (InputStream in = EngineCheck.class.getResourceAsStream("engine-jars.properties")) {
      if (in == null) {
        throw new IllegalStateException("the resource engine-jars.properties is missing from trainer-core");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read engine-jars.properties", e);
    }
    return p;
  }
}

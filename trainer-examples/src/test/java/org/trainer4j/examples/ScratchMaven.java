package org.trainer4j.examples;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Runs Maven, as a user would, on scratch projects that depend on this build's modules, without {@code
 * mvn install} and without the network. A local repository under {@code target/scratch-maven} gets the
 * reactor's modules as an install would leave them (each module's POM and its jar, or its compiled
 * classes zipped into one, taken from this test's class path, so they are this build's); everything
 * else comes from the build's own local repository through a {@code file://} mirror, copied, so the
 * shared repository is only read. The Maven is the one running this build (its {@code maven.home}),
 * else the project's wrapper.
 */
final class ScratchMaven {
  private static final long TIMEOUT_MINUTES = 10;
  private static ScratchMaven instance;

  private final Path root;
  private final Path home;
  private final Path settings;
  private String version;

  /** What a Maven run printed (standard output and error, interleaved) and its exit code. */
  record Result(int exitCode, String output) {
    /** The last lines, for an assertion message. */
    String tail() {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
  }

  private ScratchMaven(Path root, Path home) throws IOException {
    this.root = root;
    this.home = home;
    Path repository = home.resolve("repository");
    Path shared = Path.of(System.getProperty("trainer4j.localRepository",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    publishReactorModules(repository);
    settings = Files.writeString(home.resolve("settings.xml"), """
        <settings>
          <localRepository>%s</localRepository>
          <mirrors>
            <mirror>
              <id>the-build-repository</id>
              <mirrorOf>*</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """.formatted(repository, shared.toUri()));
  }

  /** The one instance of this test run; the first call publishes the modules. */
  static synchronized ScratchMaven get() {
    if (instance == null) {
      Path module = Path.of("").toAbsolutePath(); // surefire runs in the module's folder
      try {
        instance = new ScratchMaven(module.getParent(), module.resolve("target/scratch-maven"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** The project's root folder (the parent POM's). */
  Path root() {
    return root;
  }

  /** The project's version, at which the modules are published. */
  String version() {
    return version;
  }

  /** An empty folder for a scratch project. */
  Path newProject(String name) throws IOException {
    Path dir = home.resolve(name);
    delete(dir);
    return Files.createDirectories(dir);
  }

  /** Writes the POM of a reactor that builds these subfolders of {@code reactor}, in this order. */
  static void aggregate(Path reactor, List<String> modules) throws IOException {
    StringBuilder list = new StringBuilder();
    modules.forEach(m -> list.append("    <module>").append(m).append("</module>\n"));
    Files.writeString(reactor.resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>scratch</groupId>
          <artifactId>%s</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <modules>
        %s  </modules>
        </project>
        """.formatted(reactor.getFileName(), list));
  }

  /**
   * Runs Maven in {@code project} with these arguments, in batch mode and with these environment
   * variables added to (or, with a {@code null} value, removed from) this JVM's.
   */
  Result run(Path project, Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    String mavenHome = System.getProperty("trainer4j.mavenHome", "");
    command.add(mavenHome.isEmpty() ? root.resolve("mvnw").toString() : Path.of(mavenHome, "bin", "mvn").toString());
    command.addAll(List.of("-B", "-ntp", "-s", settings.toString()));
    command.addAll(Arrays.asList(arguments));
    Path log = project.resolveSibling(project.getFileName() + "-maven.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    environment.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IllegalStateException("Maven did not finish in " + TIMEOUT_MINUTES + " minutes: " + command
          + "; its output is in " + log);
    }
    return new Result(process.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
  }

  /** The parent POM, the BOM and every module the BOM lists, as {@code mvn install} would lay them out. */
  private void publishReactorModules(Path repository) throws IOException {
    Path ours = repository.resolve("org/trainer4j");
    delete(ours);
    Element parent = PomXml.read(root.resolve("pom.xml")).getDocumentElement();
    version = PomXml.childText(parent, "version");
    publish(ours, "trainer4j-parent", version, root.resolve("pom.xml"), null);
    Path bom = root.resolve("trainer-bom/pom.xml");
    publish(ours, "trainer-bom", version, bom, null);
    List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    Element managed = PomXml.child(PomXml.child(PomXml.read(bom).getDocumentElement(), "dependencyManagement"), "dependencies");
    for (Node n = managed.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element dependency) {
        String artifactId = PomXml.childText(dependency, "artifactId");
        Path module = root.resolve(artifactId);
        publish(ours, artifactId, version, module.resolve("pom.xml"), built(module, classPath));
      }
    }
  }

  /** The module's jar or classes folder on this test's class path, where the reactor put it. */
  private static Path built(Path module, List<String> classPath) {
    Path target = module.resolve("target").toAbsolutePath();
    return classPath.stream().map(Path::of).map(Path::toAbsolutePath).filter(p -> p.startsWith(target)).findFirst()
        .orElseThrow(() -> new IllegalStateException(module.getFileName() + " is not on the test class path ("
            + "its target folder); add it to trainer-examples as a test dependency so ScratchMaven can publish it"));
  }

  private static void publish(Path ours, String artifactId, String version, Path pom, Path built) throws IOException {
    Path dir = Files.createDirectories(ours.resolve(artifactId).resolve(version));
    String base = artifactId + "-" + version;
    Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (built == null) {
      return;
    }
    Path jar = dir.resolve(base + ".jar");
    if (Files.isDirectory(built)) {
      zip(built, jar);
    } else {
      Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A jar of a classes folder, as the jar plugin makes it (the manifest aside). */
  private static void zip(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        Stream<Path> paths = Files.walk(classes)) {
      for (Path p : paths.sorted().toList()) {
        String name = classes.relativize(p).toString().replace(File.separatorChar, '/');
        if (name.isEmpty()) {
          continue;
        }
        out.putNextEntry(new JarEntry(Files.isDirectory(p) ? name + "/" : name));
        if (Files.isRegularFile(p)) {
          Files.copy(p, out);
        }
        out.closeEntry();
      }
    }
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

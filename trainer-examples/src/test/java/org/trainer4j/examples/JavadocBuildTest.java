package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the root POM gives every module that inherits it, checked on two scratch modules built by Maven:
 * a {@code -javadoc.jar} and a {@code -sources.jar} next to the jar, and a Javadoc build that fails on
 * a {@code {@link}} to nothing.
 */
class JavadocBuildTest {
  @Test
  void aModulePublishesJavadocAndSourcesAndABrokenLinkFailsItsBuild() throws Exception {
    ScratchMaven maven = ScratchMaven.get();
    Path reactor = maven.newProject("javadoc");
    module(maven, reactor, "documented", """
        package scratch;

        /** Counts examples; see {@link #size()} and {@link java.util.List}. */
        public final class Documented {
          /** How many: {@code 0} or more. */
          public int size() {
            return 0;
          }
        }
        """);
    module(maven, reactor, "broken", """
        package scratch;

        /** Batches come from {@link Collator}, which does not exist. */
        public final class Broken {}
        """);
    ScratchMaven.aggregate(reactor, List.of("documented", "broken"));

    ScratchMaven.Result build = maven.run(reactor, Map.of(), "--fail-at-end", "package");

    assertNotEquals(0, build.exitCode(), build.tail());
    assertTrue(build.output().contains("Broken.java:3: error: reference not found"), build.tail());
    Path target = reactor.resolve("documented/target");
    assertTrue(entries(target.resolve("documented-1-javadoc.jar")).contains("scratch/Documented.html"), build.tail());
    assertTrue(entries(target.resolve("documented-1-sources.jar")).contains("scratch/Documented.java"), build.tail());
  }

  /** A jar module whose parent is the project's root POM, as every module's is. */
  private static void module(ScratchMaven maven, Path reactor, String name, String source) throws IOException {
    Path dir = Files.createDirectories(reactor.resolve(name).resolve("src/main/java/scratch"));
    String className = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    Files.writeString(dir.resolve(className + ".java"), source);
    Files.writeString(reactor.resolve(name).resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>org.trainer4j</groupId>
            <artifactId>trainer4j-parent</artifactId>
            <version>%s</version>
            <relativePath/>
          </parent>
          <groupId>scratch</groupId>
          <artifactId>%s</artifactId>
          <version>1</version>
        </project>
        """.formatted(maven.version(), name));
  }

  private static List<String> entries(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return List.of();
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(e -> e.getName()).toList();
    }
  }
}

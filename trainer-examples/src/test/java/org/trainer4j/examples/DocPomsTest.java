package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.trainer4j.examples.DocBlocks.Block;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Every POM that README.md and docs/*.md show, built by Maven as a user would build it (the Maven of
 * this build, against this build's modules, offline; see {@link ScratchMaven}). A whole POM is built as
 * it is, with the sources of its page (blocks whose first line names a {@code src/} file) or else a
 * class that uses {@code trainer-core}; a fragment is put into the core-only POM of docs/MODULES.md: a
 * {@code <dependency>} among its dependencies, a {@code <profiles>}, {@code <dependencyManagement>} or
 * {@code <dependencies>} in place of its own. A block of any other XML fails the test, so a new kind
 * of POM snippet in the docs gets built too; the one exception is the shade {@code <transformer>} line.
 */
class DocPomsTest {
  private static final String USES_TRAINER = """
      package docs;

      /** Compiled against a POM of the docs: that POM must bring trainer-core. */
      public final class UsesTrainer {
        public static void main(String[] args) {
          System.out.println(org.trainer4j.core.Trainer.class.getName());
        }
      }
      """;

  @Test
  void everyPomInTheDocsBuildsAndTheTestsItShowsRun() throws Exception {
    ScratchMaven maven = ScratchMaven.get();
    Path root = maven.root();
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Block corePom = DocBlocks.of(root.resolve("docs/MODULES.md")).stream().filter(DocPomsTest::isWholePom)
        .findFirst().orElseThrow(() -> new AssertionError("docs/MODULES.md shows no whole POM"));

    Path reactor = maven.newProject("doc-poms");
    List<String> modules = new ArrayList<>();
    List<String> withTests = new ArrayList<>();
    for (Path page : pages) {
      List<Block> blocks = DocBlocks.of(page);
      List<Block> sources = blocks.stream().filter(b -> b.fileName().isPresent()).toList();
      for (Block block : blocks) {
        if (!block.language().equals("xml") || isShadeTransformer(block)) {
          continue;
        }
        Document pom = isWholePom(block) ? parse(block.text(), block) : withFragment(parse(corePom.text(), corePom), block);
        String module = page.getFileName().toString().replace(".md", "").toLowerCase() + "-" + block.line();
        PomXml.child(pom.getDocumentElement(), "artifactId").setTextContent(module); // unique in the reactor
        Path dir = Files.createDirectories(reactor.resolve(module));
        Files.writeString(dir.resolve("pom.xml"), PomXml.write(pom));
        if (isWholePom(block) && !sources.isEmpty()) {
          for (Block source : sources) {
            Path file = dir.resolve(source.fileName().orElseThrow());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.text());
          }
        } else {
          Path file = Files.createDirectories(dir.resolve("src/main/java/docs")).resolve("UsesTrainer.java");
          Files.writeString(file, USES_TRAINER);
        }
        modules.add(module);
        if (Files.isDirectory(dir.resolve("src/test"))) {
          withTests.add(module);
        }
      }
    }
    assertTrue(modules.stream().anyMatch(m -> m.startsWith("readme-")) && modules.stream().anyMatch(m -> m.startsWith("plugins-"))
        && modules.stream().filter(m -> m.startsWith("modules-")).count() >= 4, "blocks found: " + modules);
    assertTrue(!withTests.isEmpty(), "the plugin of docs/PLUGINS.md comes with its test: " + modules);
    ScratchMaven.aggregate(reactor, modules);

    ScratchMaven.Result build = maven.run(reactor, Map.of(), "verify");
    assertEquals(0, build.exitCode(), build.tail());
    for (String module : withTests) {
      Path reports = reactor.resolve(module).resolve("target/surefire-reports");
      assertTrue(Files.isDirectory(reports) && testsRun(reports) > 0, module + " ran no test:\n" + build.tail());
    }
  }

  private static boolean isWholePom(Block block) {
    return block.language().equals("xml") && block.text().contains("<project");
  }

  /** The line that docs/MODULES.md gives for a shaded jar: a part of a plugin's configuration, not a POM. */
  private static boolean isShadeTransformer(Block block) {
    return block.text().strip().matches("<transformer implementation=\"[\\w.]+\"/>");
  }

  /** The core-only POM with the fragment's elements put where they belong. */
  private static Document withFragment(Document pom, Block fragment) {
    Element project = pom.getDocumentElement();
    Element wrapper = parse("<fragment>" + fragment.text() + "</fragment>", fragment).getDocumentElement();
    for (Node n = wrapper.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element element)) {
        continue;
      }
      Node copy = pom.importNode(element, true);
      switch (element.getTagName()) {
        case "dependency" -> PomXml.child(project, "dependencies").appendChild(copy);
        case "dependencyManagement", "dependencies", "profiles" -> {
          PomXml.findChild(project, element.getTagName()).ifPresentOrElse(
              own -> project.replaceChild(copy, own), () -> project.appendChild(copy));
        }
        default -> throw new AssertionError(fragment.where() + ": DocPomsTest does not know where a <"
            + element.getTagName() + "> goes in a POM; teach it, so that this block is built too");
      }
    }
    return pom;
  }

  private static Document parse(String xml, Block block) {
    try {
      return PomXml.parse(xml, block.where());
    } catch (IllegalArgumentException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** Tests run, by surefire's reports (a failed one fails the build). */
  private static int testsRun(Path reports) throws IOException {
    int tests = 0;
    try (Stream<Path> files = Files.list(reports)) {
      for (Path report : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).toList()) {
        tests += Integer.parseInt(PomXml.read(report).getDocumentElement().getAttribute("tests"));
      }
    }
    return tests;
  }
}

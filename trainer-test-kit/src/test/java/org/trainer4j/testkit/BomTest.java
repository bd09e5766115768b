package org.trainer4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * trainer-bom pins every module users can depend on, and nothing else. It lives here because the BOM
 * module is a bare POM without tests; surefire runs this with the kit's folder as working directory.
 */
class BomTest {
  /** Modules that are not libraries: nobody adds them to a POM. A new module must go here or in the BOM. */
  private static final Set<String> NOT_FOR_USERS = Set.of("trainer-examples", "trainer-benchmarks", "trainer-bom");

  private final Path root = Path.of("").toAbsolutePath().getParent();

  @Test
  void theBomListsEveryPublishedModuleAtTheProjectVersion() throws Exception {
    Document parent = read(root.resolve("pom.xml"));
    Document bom = read(root.resolve("trainer-bom/pom.xml"));

    Set<String> published = new TreeSet<>();
    for (String module : texts(parent.getDocumentElement(), "modules", "module")) {
      String artifactId = child(read(root.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId");
      if (!NOT_FOR_USERS.contains(artifactId)) {
        published.add(artifactId);
      }
    }
    assertTrue(published.contains("trainer-core") && published.contains("trainer-test-kit"), published.toString());

    List<Element> pinned = elements(bom.getDocumentElement(), "dependencyManagement", "dependencies", "dependency");
    Set<String> pinnedIds = new TreeSet<>();
    for (Element dependency : pinned) {
      assertEquals("org.trainer4j", child(dependency, "groupId"));
      assertEquals("${project.version}", child(dependency, "version"));
      pinnedIds.add(child(dependency, "artifactId"));
    }
    assertEquals(published, pinnedIds);
    assertEquals(pinned.size(), pinnedIds.size(), "an artifact is listed twice");

    // No parent, so importing the BOM pins nothing but Trainer4J's modules; its version is the project's.
    assertTrue(elements(bom.getDocumentElement(), "parent").isEmpty(), "trainer-bom must not have a parent");
    assertEquals(child(parent.getDocumentElement(), "version"), child(bom.getDocumentElement(), "version"));
    assertEquals("pom", child(bom.getDocumentElement(), "packaging"));
  }

  private static Document read(Path pom) throws Exception {
    assertTrue(Files.isRegularFile(pom), pom + " is missing");
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** The elements at this path below {@code from}, direct children at each level. */
  private static List<Element> elements(Element from, String... path) {
    List<Element> level = List.of(from);
    for (String name : path) {
      List<Element> next = new ArrayList<>();
      for (Element e : level) {
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
          Node n = children.item(i);
          if (n instanceof Element c && c.getTagName().equals(name)) {
            next.add(c);
          }
        }
      }
      level = next;
    }
    return level;
  }

  private static List<String> texts(Element from, String... path) {
    return elements(from, path).stream().map(e -> e.getTextContent().trim()).toList();
  }

  private static String child(Element from, String name) {
    List<String> found = texts(from, name);
    assertEquals(1, found.size(), "expected one <" + name + "> in <" + from.getTagName() + ">");
    return found.get(0);
  }
}

package org.trainer4j.examples;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Reading and writing POMs (and surefire's reports) for the tests that run Maven. Not namespace-aware,
 * so elements taken from a fragment without {@code xmlns} fit into a POM that has one.
 */
final class PomXml {
  private PomXml() {}

  static Document read(Path file) {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
  }

  /** @throws IllegalArgumentException naming {@code where} when the text is not XML */
  static Document parse(String xml, String where) {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new IllegalArgumentException(where + ": the XML does not parse: " + e.getMessage(), e);
    }
  }

  static String write(Document document) {
    StringWriter out = new StringWriter();
    try {
      TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write XML: " + e, e);
    }
    return out.toString();
  }

  /** The first child element of this name, if any. */
  static Optional<Element> findChild(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The first child element of this name. */
  static Element child(Element parent, String name) {
    return findChild(parent, name).orElseThrow(() ->
        new IllegalStateException("<" + parent.getTagName() + "> has no <" + name + ">"));
  }

  static String childText(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }
}

package org.trainer4j.core.writer;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that keeps every line, so a test can read what a user would see in the log. */
final class RecordingLogger extends LegacyAbstractLogger {
  record Line(Level level, String message, Throwable thrown) {}

  private final List<Line> lines = new ArrayList<>();

  RecordingLogger() {
    this.name = "test";
  }

  synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  /** The messages of one level, in order. */
  synchronized List<String> messages(Level level) {
    return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
  }

  @Override
  protected synchronized void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
      Throwable thrown) {
    lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, args), thrown));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    return false;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}

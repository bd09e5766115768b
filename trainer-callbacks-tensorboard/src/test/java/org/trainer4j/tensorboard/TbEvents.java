package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.trainer4j.testkit.WireMessage;

/**
 * Decodes event files with the test's own {@link TfRecordReader} and the test kit's {@link WireMessage}, using
 * TensorBoard's field numbers, into plain records the tests assert on.
 */
final class TbEvents {
  static final int DT_FLOAT = 1;
  static final int DT_DOUBLE = 2;
  static final int DT_STRING = 7;
  static final int DATA_CLASS_SCALAR = 1;
  static final int DATA_CLASS_TENSOR = 2;

  /** SessionLog status of a START event. */
  static final int SESSION_START = 1;

  /**
   * One record; {@code file} is its file's index in the run (0 for a single file), {@code sessionStatus}
   * the SessionLog status (0 when the event has none).
   */
  record Event(double wallTime, long step, String fileVersion, String writer, List<Value> values, int file,
      int sessionStatus) {
    Event inFile(int index) {
      return new Event(wallTime, step, fileVersion, writer, values, index, sessionStatus);
    }
  }

  /** One summary value; plugin name is "" and data class 0 when it carries no metadata. */
  record Value(String tag, boolean hasMetadata, String pluginName, byte[] pluginContent, int dataClass,
      Optional<Tensor> tensor, Optional<Histo> histo, boolean hasSimpleValue) {}

  record Tensor(int dtype, List<Long> dims, List<Float> floatVal, List<String> stringVal, boolean hasDoubleVal,
      byte[] tensorContent) {}

  record Histo(double min, double max, double num, double sum, double sumSquares, List<Double> limits,
      List<Double> buckets) {}

  /** A scalar point as TensorBoard would chart it. */
  record Point(long step, float value, double wallTime) {}

  /** What the HParams dashboard reads from a run. */
  record Hparams(Map<String, Integer> hparamTypes, List<String> metricTags, Map<String, Object> values,
      int endStatus) {}

  private TbEvents() {}

  /** Every record of one file, decoded; fails on a bad checksum or a truncated tail. */
  static List<Event> readFile(Path file) {
    try {
      TfRecordReader.Records records = TfRecordReader.read(file);
      assertFalse(records.truncatedTail(), "truncated tail in " + file);
      return decodeAll(records.records());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Event> decodeAll(List<byte[]> records) {
    List<Event> events = new ArrayList<>();
    for (byte[] r : records) {
      events.add(decode(r));
    }
    return events;
  }

  static Event decode(byte[] record) {
    WireMessage e = WireMessage.parse(record);
    List<Value> values = new ArrayList<>();
    if (e.has(5)) {
      for (WireMessage v : e.message(5).messages(1)) {
        values.add(value(v));
      }
    }
    String writer = e.has(10) ? e.message(10).string(1) : "";
    int sessionStatus = e.has(7) ? (int) e.message(7).varint(1) : 0;
    return new Event(e.doubleValue(1), e.varint(2), e.string(3), writer, values, 0, sessionStatus);
  }

  private static Value value(WireMessage v) {
    WireMessage md = v.message(9);
    WireMessage plugin = md.message(1);
    Optional<Tensor> tensor = Optional.empty();
    if (v.has(8)) {
      WireMessage t = v.message(8);
      List<Long> dims = new ArrayList<>();
      for (WireMessage d : t.message(2).messages(2)) {
        dims.add(d.varint(1));
      }
      tensor = Optional.of(new Tensor((int) t.varint(1), dims, t.floats(5), t.strings(8), t.has(6), t.bytes(4)));
    }
    Optional<Histo> histo = Optional.empty();
    if (v.has(5)) {
      WireMessage h = v.message(5);
      histo = Optional.of(new Histo(h.doubleValue(1), h.doubleValue(2), h.doubleValue(3), h.doubleValue(4),
          h.doubleValue(5), h.doubles(6), h.doubles(7)));
    }
    return new Value(v.string(1), v.has(9), plugin.string(1), plugin.bytes(2), (int) md.varint(4), tensor, histo,
        v.has(2));
  }

  /** The event files of a run folder, in the order TensorBoard merges them (by name). */
  static List<Path> eventFiles(Path runDir) {
    try (Stream<Path> files = Files.list(runDir)) {
      return files.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All events of a run folder, each file checked to start with the version header. */
  static List<Event> readRun(Path runDir) {
    List<Event> all = new ArrayList<>();
    List<Path> files = eventFiles(runDir);
    assertFalse(files.isEmpty(), "no event file in " + runDir);
    for (int i = 0; i < files.size(); i++) {
      List<Event> events = readFile(files.get(i));
      assertEquals("brain.Event:2", events.get(0).fileVersion(), "header of " + files.get(i));
      for (Event e : events.subList(1, events.size())) {
        all.add(e.inFile(i));
      }
    }
    return all;
  }

  /**
   * The events of a run folder that TensorBoard's Python loader keeps ({@code plugin_event_accumulator}
   * with {@code purge_orphaned_data}, files of version 2): the run's first SessionLog START only starts
   * it; each later one discards every event read before it at its step or later.
   */
  static List<Event> keptByPythonLoader(Path runDir) {
    List<Event> kept = new ArrayList<>();
    boolean started = false;
    for (Event e : readRun(runDir)) {
      if (e.sessionStatus() == SESSION_START) {
        if (started) {
          kept.removeIf(earlier -> earlier.step() >= e.step());
        }
        started = true;
      } else {
        kept.add(e);
      }
    }
    return kept;
  }

  /** The SessionLog START events of a run folder, as (file index, step). */
  static List<List<Long>> sessionStarts(Path runDir) {
    return readRun(runDir).stream().filter(e -> e.sessionStatus() == SESSION_START)
        .map(e -> List.of((long) e.file(), e.step())).toList();
  }

  static List<Value> valuesOf(List<Event> events, String tag) {
    List<Value> out = new ArrayList<>();
    for (Event e : events) {
      for (Value v : e.values()) {
        if (v.tag().equals(tag)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * The scalar points of a tag, checking what TensorBoard needs: a rank-0 DT_FLOAT tensor with one
   * value, scalars metadata with the scalar data class on the tag's first value in each file only.
   */
  static List<Point> scalars(List<Event> events, String tag) {
    List<Point> out = new ArrayList<>();
    for (TensorAt at : tensorsOf(events, tag, "scalars", DATA_CLASS_SCALAR)) {
      Tensor t = at.tensor();
      assertEquals(DT_FLOAT, t.dtype(), tag + " dtype");
      assertTrue(t.dims().isEmpty(), tag + " must be rank 0");
      assertFalse(t.hasDoubleVal(), tag);
      assertEquals(1, t.floatVal().size(), tag);
      out.add(new Point(at.event().step(), t.floatVal().get(0), at.event().wallTime()));
    }
    return out;
  }

  /** The texts of a tag in order, checked as {@link #textPoints}. */
  static List<String> texts(List<Event> events, String tag) {
    return textPoints(events, tag).stream().map(TextPoint::text).toList();
  }

  /** The steps of a tag's texts, in order. */
  static List<Long> textSteps(List<Event> events, String tag) {
    return textPoints(events, tag).stream().map(TextPoint::step).toList();
  }

  /** A text as TensorBoard's text dashboard lists it. */
  record TextPoint(long step, String text) {}

  /**
   * The texts of a tag, checking the text plugin metadata (on the tag's first value in each file only)
   * and a rank-0 DT_STRING tensor.
   */
  static List<TextPoint> textPoints(List<Event> events, String tag) {
    List<TextPoint> out = new ArrayList<>();
    for (TensorAt at : tensorsOf(events, tag, "text", DATA_CLASS_TENSOR)) {
      Tensor t = at.tensor();
      assertEquals(DT_STRING, t.dtype(), tag);
      assertTrue(t.dims().isEmpty(), tag);
      assertEquals(1, t.stringVal().size(), tag);
      out.add(new TextPoint(at.event().step(), t.stringVal().get(0)));
    }
    return out;
  }

  /** A tensor value with the event that holds it. */
  private record TensorAt(Event event, Tensor tensor) {}

  /**
   * The tensor values of a tag, checking that the tag's first value in each file, and only that one,
   * carries the plugin's metadata.
   */
  private static List<TensorAt> tensorsOf(List<Event> events, String tag, String plugin, int dataClass) {
    List<TensorAt> out = new ArrayList<>();
    Set<Integer> filesSeen = new HashSet<>();
    for (Event e : events) {
      for (Value v : e.values()) {
        if (!v.tag().equals(tag)) {
          continue;
        }
        boolean first = filesSeen.add(e.file());
        assertEquals(first, v.hasMetadata(), "metadata on the first value of " + tag + " in a file only");
        if (first) {
          assertEquals(plugin, v.pluginName(), tag);
          assertEquals(dataClass, v.dataClass(), tag);
        }
        out.add(new TensorAt(e, v.tensor().orElseThrow(() -> new AssertionError(tag + " is not a tensor value"))));
      }
    }
    return out;
  }

  static List<Long> steps(List<Point> points) {
    return points.stream().map(Point::step).toList();
  }

  static List<Float> values(List<Point> points) {
    return points.stream().map(Point::value).toList();
  }

  /**
   * Decodes the hparams session of a run: each of the three hparams tags exactly once, with the
   * hparams plugin metadata. Types: 1 string, 2 bool, 3 float64; end status 1 is success.
   */
  static Hparams hparams(List<Event> events) {
    WireMessage experiment = hparamsContent(events, "_hparams_/experiment").message(2);
    WireMessage start = hparamsContent(events, "_hparams_/session_start_info").message(3);
    WireMessage end = hparamsContent(events, "_hparams_/session_end_info").message(4);
    Map<String, Integer> types = new LinkedHashMap<>();
    for (WireMessage info : experiment.messages(4)) {
      types.put(info.string(1), (int) info.varint(4));
    }
    List<String> metricTags = new ArrayList<>();
    for (WireMessage info : experiment.messages(5)) {
      WireMessage name = info.message(1);
      assertEquals("", name.string(1), "metric group: the session's own run");
      metricTags.add(name.string(2));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (WireMessage entry : start.messages(1)) {
      WireMessage v = entry.message(2);
      Object value = v.has(2) ? (Object) v.doubleValue(2) : v.has(3) ? v.string(3) : (Object) (v.varint(4) != 0);
      values.put(entry.string(1), value);
    }
    return new Hparams(types, metricTags, values, (int) end.varint(1));
  }

  private static WireMessage hparamsContent(List<Event> events, String tag) {
    List<Value> found = valuesOf(events, tag);
    assertEquals(1, found.size(), tag + " must be written once");
    assertEquals("hparams", found.get(0).pluginName(), tag);
    return WireMessage.parse(found.get(0).pluginContent());
  }
}

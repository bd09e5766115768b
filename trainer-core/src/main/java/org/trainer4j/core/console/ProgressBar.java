package org.trainer4j.core.console;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar in tqdm's format ({@code  37%|███▋      | 370/1000 [00:12<00:20, 30.12it/s]}),
 * redrawn in place with a carriage return at most ten times a second. Not thread-safe: the training
 * thread draws it.
 */
public final class ProgressBar {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 24;
  private static final String[] PARTIAL = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};

  private final PrintStream out;
  private final String description;
  private final long total;
  private final long initial;
  private final long startNanos;
  private long current;
  private long lastDrawNanos;
  private boolean visible;

  public ProgressBar(PrintStream out, String description, long total, long initial) {
    this.out = out;
    this.description = description;
    this.total = Math.max(total, 0);
    this.initial = initial;
    this.current = initial;
    this.startNanos = System.nanoTime();
    draw(startNanos);
  }

  /** Moves to {@code position} and redraws if enough time passed (always at the end). */
  public void update(long position) {
    current = position;
    long now = System.nanoTime();
    if (now - lastDrawNanos >= REDRAW_NANOS || current >= total) {
      draw(now);
    }
  }

  /** Draws the bar again now (e.g. after the cursor moved back to its line). */
  public void redraw() {
    draw(System.nanoTime());
  }

  /** Adds one and redraws if due. */
  public void step() {
    update(current + 1);
  }

  /** Prints a line above the bar, then draws the bar again below it. */
  public void printAbove(String line) {
    if (visible) {
      out.print("\r\033[2K");
    }
    out.println(line);
    draw(System.nanoTime());
  }

  /** Draws the final state and ends the line ({@code leave}) or erases the bar. */
  public void close(boolean leave) {
    if (leave) {
      draw(System.nanoTime());
      out.println();
    } else if (visible) {
      out.print("\r\033[2K");
      out.flush();
    }
    visible = false;
  }

  /** The bar's text at this moment. */
  String render(long nowNanos) {
    double elapsed = (nowNanos - startNanos) / 1e9;
    long done = current - initial;
    double rate = elapsed > 0 ? done / elapsed : 0;
    double fraction = total == 0 ? 1 : Math.min(1, (double) current / total);
    int eighths = (int) Math.round(fraction * WIDTH * 8);
    String bar = "█".repeat(eighths / 8) + PARTIAL[eighths % 8];
    bar = bar + " ".repeat(Math.max(0, WIDTH - bar.codePointCount(0, bar.length())));
    String eta = rate > 0 ? clock((total - current) / rate) : "?";
    String speed = rate >= 1 || rate == 0
        ? String.format(Locale.ROOT, "%.2fit/s", rate)
        : String.format(Locale.ROOT, "%.2fs/it", 1 / rate);
    return String.format(Locale.ROOT, "%s%3d%%|%s| %d/%d [%s<%s, %s]",
        description.isEmpty() ? "" : description + ": ", (int) (fraction * 100), bar, current, total,
        clock(elapsed), eta, speed);
  }

  private void draw(long now) {
    out.print("\r\033[2K" + render(now));
    out.flush();
    lastDrawNanos = now;
    visible = true;
  }

  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}

package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;

/**
 * The bundled UCI handwritten digits (1,797 images of 8×8 pixels, 10 classes), split into train, eval
 * and test sets by a fixed seed, and the MLP the examples train on them.
 */
public final class Digits {
  /** Pixels per image. */
  public static final int FEATURES = 64;
  public static final int CLASSES = 10;
  private static final String RESOURCE = "digits/digits.csv.gz";

  private Digits() {}

  /** One image: 64 pixels scaled to [0, 1], and its digit. */
  public record Image(float[] pixels, int digit) {}

  /** The three parts of the data set. */
  public record Splits(List<Image> train, List<Image> eval, List<Image> test) {}

  /** Every image of the bundled file, in file order. */
  public static List<Image> load() {
    try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("the bundled data set " + RESOURCE + " is missing from the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
      List<Image> images = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        String[] cells = line.split(",");
        float[] pixels = new float[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
          pixels[i] = Float.parseFloat(cells[i]) / 16f;
        }
        images.add(new Image(pixels, (int) Float.parseFloat(cells[FEATURES])));
      }
      return images;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** 70% train, 15% eval, 15% test, shuffled by {@code seed}. */
  public static Splits split(List<Image> images, long seed) {
    List<Image> shuffled = new ArrayList<>(images);
    Collections.shuffle(shuffled, new Random(seed));
    int train = (int) Math.round(shuffled.size() * 0.70);
    int eval = (int) Math.round(shuffled.size() * 0.15);
    return new Splits(List.copyOf(shuffled.subList(0, train)), List.copyOf(shuffled.subList(train, train + eval)),
        List.copyOf(shuffled.subList(train + eval, shuffled.size())));
  }

  /** Stacks images into a batch: pixels [n, 64] as inputs, digits [n] as labels. */
  public static final DataCollator<Image> COLLATOR = (images, manager) -> {
    float[] pixels = new float[images.size() * FEATURES];
    int[] digits = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).pixels(), 0, pixels, i * FEATURES, FEATURES);
      digits[i] = images.get(i).digit();
    }
    return new Batch(new NDList(manager.create(pixels, new ai.djl.ndarray.types.Shape(images.size(), FEATURES))),
        new NDList(manager.create(digits)), images.size());
  };

  public static TrainerDataset dataset(List<Image> images) {
    return TrainerDataset.of(images, COLLATOR);
  }

  /** A 64 → hidden → ReLU → dropout → 10 classifier (logits). */
  public static Model mlp(int hidden, float dropout) {
    Model model = Model.newInstance("digits-mlp");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(CLASSES).build()));
    return model;
  }
}

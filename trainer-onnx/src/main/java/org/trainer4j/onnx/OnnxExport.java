package org.trainer4j.onnx;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OnnxExporter#export} wrote.
 *
 * @param file the {@code .onnx} file
 * @param inputName the graph's input, {@code [batch, ...]} float32
 * @param outputName the graph's output
 * @param layers each exported layer as {@code <where in the block>: <kind>}, e.g. {@code 02LambdaBlock: ReLU}
 * @param maxAbsDifference the largest difference between ONNX Runtime's and DJL's outputs on the check batch
 */
public record OnnxExport(Path file, String inputName, String outputName, List<String> layers, double maxAbsDifference) {
  public OnnxExport {
    layers = List.copyOf(layers);
  }
}

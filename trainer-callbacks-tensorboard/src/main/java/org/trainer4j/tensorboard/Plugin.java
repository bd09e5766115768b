package org.trainer4j.tensorboard;

import org.trainer4j.tensorboard.proto.DataClass;
import org.trainer4j.tensorboard.proto.SummaryMetadata;

/** The TensorBoard plugins this writer feeds, with the metadata a tag's first value carries. */
enum Plugin {
  SCALARS("scalars", DataClass.DATA_CLASS_SCALAR),
  TEXT("text", DataClass.DATA_CLASS_TENSOR),
  HISTOGRAMS("histograms", DataClass.DATA_CLASS_TENSOR),
  HPARAMS("hparams", DataClass.DATA_CLASS_TENSOR);

  private final String pluginName;
  private final SummaryMetadata metadata;

  Plugin(String pluginName, DataClass dataClass) {
    this.pluginName = pluginName;
    // Plugin content version 0 encodes to no bytes, so the content is left empty.
    this.metadata = SummaryMetadata.newBuilder()
        .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(pluginName))
        .setDataClass(dataClass)
        .build();
  }

  /** The name TensorBoard knows the plugin by. */
  String pluginName() {
    return pluginName;
  }

  /** Metadata with empty plugin content. */
  SummaryMetadata metadata() {
    return metadata;
  }
}

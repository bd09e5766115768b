package org.trainer4j.benchmarks.collective;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The Spark measurement, in its own JVM: a {@code local[2]} Spark context runs one barrier stage of two
 * tasks per size; each task times {@code BarrierTaskContext.allGather} of its vector (float32, Base64, as
 * allGather carries strings) and the sum of the gathered vectors. No {@code barrier()} between the
 * exchanges: mixing it with {@code allGather} left the two tasks waiting on different calls (seen with
 * 4.0.1); each {@code allGather} is a synchronization of its own. Task 0's timings are printed as {@link
 * Timings} lines.
 *
 * <p>Arguments: repeats, then sizes in floats.
 */
public final class SparkAllGatherWorker {
  private SparkAllGatherWorker() {}

  public static void main(String[] args) {
    int repeatsForSmall = Integer.parseInt(args[0]);
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("allgather-benchmark")
        .set("spark.ui.enabled", "false")
        // allGather answers every task with all messages: 2 x 117 MB of Base64 for 22 M floats.
        .set("spark.rpc.message.maxSize", "1024");
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      spark.setLogLevel("WARN");
      for (int a = 1; a < args.length; a++) {
        int floats = Integer.parseInt(args[a]);
        int repeats = Timings.repeats(floats, repeatsForSmall);
        RDD<Integer> tasks = spark.parallelize(List.of(0, 1), 2).rdd();
        List<String> lines = tasks.barrier().mapPartitions(new Exchange(floats, repeats), false,
            ClassTag$.MODULE$.apply(String.class)).toJavaRDD().collect();
        lines.forEach(System.out::println);
      }
    }
  }

  /** The body of each barrier task. */
  static final class Exchange implements Function1<Iterator<Integer>, Iterator<String>>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int floats;
    private final int repeats;

    Exchange(int floats, int repeats) {
      this.floats = floats;
      this.repeats = repeats;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
      BarrierTaskContext context = BarrierTaskContext.get();
      int rank = context.partitionId();
      ByteBuffer bytes = ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < floats; i++) {
        bytes.putFloat(i * 4, rank + 1);
      }
      double[] millis = new double[repeats];
      int warmUp = Timings.warmUps(floats);
      for (int i = -warmUp; i < repeats; i++) {
        long t0 = System.nanoTime();
        String message = Base64.getEncoder().encodeToString(bytes.array());
        String[] all = context.allGather(message);
        float[] sum = new float[floats];
        for (String m : all) {
          ByteBuffer other = ByteBuffer.wrap(Base64.getDecoder().decode(m)).order(ByteOrder.LITTLE_ENDIAN);
          for (int k = 0; k < floats; k++) {
            sum[k] += other.getFloat(k * 4);
          }
        }
        long t1 = System.nanoTime();
        XgboostWorker.check(sum[floats - 1], 3f, "spark allGather");
        if (i >= 0) {
          millis[i] = (t1 - t0) / 1e6;
        }
      }
      List<String> out = new ArrayList<>();
      if (rank == 0) {
        out.add(new Timings("spark-allgather", floats, millis).line());
      }
      return CollectionConverters.asScala(out.iterator());
    }
  }
}

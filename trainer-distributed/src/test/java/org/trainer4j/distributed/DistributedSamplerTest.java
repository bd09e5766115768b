package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.data.Sampler;

/** The shards against those PyTorch's DistributedSampler gave (src/test/python/make_sampler_cases.py). */
class DistributedSamplerTest {

  @Test
  void everyShardEqualsPyTorchs() throws IOException {
    JsonNode cases = torchCases();
    assertEquals(168, cases.size());
    int checked = 0;
    for (JsonNode c : cases) {
      int[] order = ints(c.get("order"));
      int replicas = c.get("replicas").asInt();
      boolean dropLast = c.get("drop_last").asBoolean();
      // The epoch's order is torch's own permutation: every worker's sampler returns it.
      Sampler torchsOrder = (epoch, size) -> order.clone();
      for (int rank = 0; rank < replicas; rank++) {
        int[] expected = ints(c.get("shards").get(rank));
        int[] actual = new DistributedSampler(torchsOrder, replicas, rank, dropLast)
            .indices(c.get("epoch").asInt(), c.get("size").asInt());
        assertArrayEquals(expected, actual, c.get("size") + " examples, rank " + rank + " of " + replicas
            + (dropLast ? ", drop_last" : "") + (c.get("shuffle").asBoolean() ? ", shuffled" : ""));
        assertEquals(c.get("num_samples").asInt(), DistributedSampler.numSamples(order.length, replicas, dropLast));
        checked++;
      }
    }
    assertEquals(420, checked); // 7 sizes x 2 drop_last x 3 orders x (1+2+3+4) ranks
  }

  @Test
  void paddingRepeatsTheOrderMoreThanOnceWhenItIsShorterThanThePadding() {
    int[] order = {7, 3};
    assertArrayEquals(new int[] {3}, DistributedSampler.shard(order, 5, 1, false));
    assertArrayEquals(new int[] {7}, DistributedSampler.shard(order, 5, 4, false));
    assertArrayEquals(new int[0], DistributedSampler.shard(order, 5, 4, true));
  }

  @Test
  void workersOfOneEpochShareOneSeededPermutation() {
    Sampler random = Sampler.random(42);
    int[] zero = new DistributedSampler(random, 2, 0, false).indices(1, 11);
    int[] one = new DistributedSampler(random, 2, 1, false).indices(1, 11);
    int[] order = random.order(1, 11);
    for (int i = 0; i < zero.length; i++) {
      assertEquals(order[2 * i], zero[i]);
      assertEquals(order[(2 * i + 1) % 11], one[i]);
    }
    assertTrue(zero.length == 6 && one.length == 6);
  }

  @Test
  void badArgumentsNameTheOption() {
    IllegalArgumentException replicas = assertThrows(IllegalArgumentException.class,
        () -> new DistributedSampler(Sampler.sequential(), 0, 0, false));
    assertEquals("num_replicas must be at least 1, not 0", replicas.getMessage());
    IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
        () -> new DistributedSampler(Sampler.sequential(), 2, 2, false));
    assertEquals("rank must be in [0, 2), not 2", rank.getMessage());
  }

  private static JsonNode torchCases() throws IOException {
    try (InputStream in = DistributedSamplerTest.class.getResourceAsStream("/torch_distributed_sampler.json")) {
      return new ObjectMapper().readTree(in).get("cases");
    }
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}

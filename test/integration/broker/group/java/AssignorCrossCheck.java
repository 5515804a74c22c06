// Runs Apache Kafka's own client-side assignors and consumer-protocol serializers over scenarios read
// from stdin, one per line, and prints one result line each (see kafkaAssignors.test.ts for the format):
//   assign|<assignor>|<topic>:<partitions>,...|<member>=<topic>+<topic>[/<ownedTopic>-<p>+...][@<generation>][#<userDataHex>];...
//     -> <member>=<topic>-<p>,...;...   (members and partitions sorted)
//   subscription|<topic>+...|<ownedTopic>-<p>+...|<generation>|<rack>|<userDataHex>
//     -> hex of ConsumerProtocol.serializeSubscription (latest version)
//   assignment|<topic>-<p>+...|<userDataHex>
//     -> hex of ConsumerProtocol.serializeAssignment (latest version)
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.util.*;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;

public class AssignorCrossCheck {
  static List<TopicPartition> partitions(String spec) {
    List<TopicPartition> out = new ArrayList<>();
    if (spec.isEmpty()) return out;
    for (String tp : spec.split("\\+")) {
      int dash = tp.lastIndexOf('-');
      out.add(new TopicPartition(tp.substring(0, dash), Integer.parseInt(tp.substring(dash + 1))));
    }
    return out;
  }

  static ByteBuffer bytes(String hex) {
    if (hex.equals("null")) return null;
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    return ByteBuffer.wrap(b);
  }

  static String hex(ByteBuffer buf) {
    StringBuilder sb = new StringBuilder();
    ByteBuffer b = buf.duplicate();
    while (b.hasRemaining()) sb.append(String.format("%02x", b.get()));
    return sb.toString();
  }

  static String assign(String[] f) {
    AbstractPartitionAssignor assignor = switch (f[1]) {
      case "range" -> new RangeAssignor();
      case "roundrobin" -> new RoundRobinAssignor();
      case "sticky" -> new StickyAssignor();
      default -> throw new IllegalArgumentException(f[1]);
    };
    Map<String, Integer> partitionsPerTopic = new HashMap<>();
    for (String t : f[2].split(",")) partitionsPerTopic.put(t.split(":")[0], Integer.parseInt(t.split(":")[1]));
    Map<String, Subscription> subs = new HashMap<>();
    for (String m : f[3].split(";")) {
      String id = m.substring(0, m.indexOf('='));
      String rest = m.substring(m.indexOf('=') + 1);
      ByteBuffer userData = null;
      if (rest.contains("#")) {
        userData = bytes(rest.substring(rest.indexOf('#') + 1));
        rest = rest.substring(0, rest.indexOf('#'));
      }
      int generation = -1;
      if (rest.contains("@")) {
        generation = Integer.parseInt(rest.substring(rest.indexOf('@') + 1));
        rest = rest.substring(0, rest.indexOf('@'));
      }
      String owned = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
      String topics = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      subs.put(id, new Subscription(Arrays.asList(topics.split("\\+")), userData, partitions(owned), generation, Optional.empty()));
    }
    Map<String, List<TopicPartition>> result = assignor.assign(partitionsPerTopic, subs);
    StringBuilder sb = new StringBuilder();
    for (String id : new TreeSet<>(result.keySet())) {
      List<String> tps = new ArrayList<>();
      for (TopicPartition tp : result.get(id)) tps.add(tp.topic() + "-" + tp.partition());
      Collections.sort(tps);
      if (sb.length() > 0) sb.append(';');
      sb.append(id).append('=').append(String.join(",", tps));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      String[] f = line.split("\\|", -1);
      switch (f[0]) {
        case "assign" -> System.out.println(assign(f));
        case "subscription" -> System.out.println(hex(ConsumerProtocol.serializeSubscription(new Subscription(
            Arrays.asList(f[1].split("\\+")), bytes(f[5]), partitions(f[2]), Integer.parseInt(f[3]), Optional.of(f[4])))));
        case "assignment" -> System.out.println(hex(ConsumerProtocol.serializeAssignment(new Assignment(partitions(f[1]), bytes(f[2])))));
        default -> throw new IllegalArgumentException(f[0]);
      }
    }
  }
}

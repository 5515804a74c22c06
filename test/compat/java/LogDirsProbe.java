import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Describes the log directories of one broker with Kafka's AdminClient (describeLogDirs) and prints
 * one line per directory and per replica: args are the bootstrap servers and the broker id.
 */
public class LogDirsProbe {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    try (Admin admin = Admin.create(props)) {
      int brokerId = Integer.parseInt(args[1]);
      Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(brokerId)).descriptions().get(brokerId).get();
      for (Map.Entry<String, LogDirDescription> dir : dirs.entrySet()) {
        LogDirDescription d = dir.getValue();
        System.out.println("dir " + dir.getKey() + " total=" + d.totalBytes().orElse(-1) + " usable=" + d.usableBytes().orElse(-1) + " error=" + d.error());
        for (Map.Entry<TopicPartition, ReplicaInfo> r : d.replicaInfos().entrySet()) {
          System.out.println("replica " + r.getKey() + " size=" + r.getValue().size() + " lag=" + r.getValue().offsetLag() + " future=" + r.getValue().isFuture());
        }
      }
    }
  }
}

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * bin/run-local --secure: creates one SCRAM-SHA-512 user per service and the ACLs of deploy/kafka-acls.txt on the
 * local broker, as the broker's super user, and waits until the broker applies them. Run as a source file on the
 * broker's class path (kafka-clients): {@code java -cp 'broker/lib/*' LocalKafkaUsers.java ADMIN_PROPERTIES
 * ACL_TABLE PASSWORD_DIR}, where PASSWORD_DIR holds {@code <user>.password} for every user of the table. Upserting
 * is idempotent, so every start runs it. The table's format is that of the test kit's KafkaAcls (Strimzi's
 * vocabulary), which the tests and the Kubernetes KafkaUsers use too.
 */
public class LocalKafkaUsers {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: LocalKafkaUsers ADMIN_PROPERTIES ACL_TABLE PASSWORD_DIR");
        }
        Properties adminConfig = new Properties();
        try (var in = Files.newBufferedReader(Path.of(args[0]))) {
            adminConfig.load(in);
        }
        List<AclBinding> acls = new ArrayList<>();
        Set<String> users = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] f = content.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("an ACL line has 5 fields (user resource pattern name operations): " + line);
            }
            users.add(f[0]);
            ResourcePattern pattern = new ResourcePattern(resourceType(f[1]), f[3], patternType(f[2]));
            for (String op : f[4].split(",")) {
                acls.add(new AclBinding(pattern, new AccessControlEntry("User:" + f[0], "*", operation(op), AclPermissionType.ALLOW)));
            }
        }
        List<UserScramCredentialAlteration> credentials = new ArrayList<>();
        for (String user : users) {
            Path passwordFile = Path.of(args[2], user + ".password");
            String password = Files.readString(passwordFile).strip();
            if (password.isEmpty()) {
                throw new IllegalArgumentException("empty password in " + passwordFile);
            }
            credentials.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password));
        }
        try (Admin admin = Admin.create(adminConfig)) {
            admin.alterUserScramCredentials(credentials).all().get();
            admin.createAcls(acls).all().get();
            // Both are metadata records: the broker applies them shortly after the controller accepted them.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get()).containsAll(acls)
                    || !admin.describeUserScramCredentials().users().get().containsAll(users)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not apply the users and ACLs within 30 s");
                }
                Thread.sleep(100); // poll interval; the deadline bounds the wait
            }
        }
        System.out.println("users " + users + " with " + acls.size() + " ACLs");
    }

    static ResourceType resourceType(String strimziName) {
        return switch (strimziName) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException("unknown ACL resource type " + strimziName);
        };
    }

    static PatternType patternType(String strimziName) {
        return switch (strimziName) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("unknown ACL pattern type " + strimziName);
        };
    }

    /** Strimzi writes {@code IdempotentWrite}, Kafka {@code IDEMPOTENT_WRITE}. */
    static AclOperation operation(String strimziName) {
        for (AclOperation op : AclOperation.values()) {
            if (op.name().replace("_", "").equalsIgnoreCase(strimziName) && op != AclOperation.ANY && op != AclOperation.UNKNOWN) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown ACL operation " + strimziName);
    }
}

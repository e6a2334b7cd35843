package org.forecaster.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The services' Kafka ACLs, read from {@code kafka-acls.txt} (kept in {@code deploy/}, packaged into this jar):
 * one principal per service, least privilege. The Kubernetes KafkaUsers mirror the same file, so what the tests
 * attack is what production enforces.
 *
 * <p>{@code deploy/local/LocalKafkaUsers.java} ({@code bin/run-local --secure}) parses the same table with the same
 * names on purpose: it runs as a single source file on the local broker's class path, where this test-support
 * module is not (and should not be): that path holds only the broker's jars, no module of this build. Change both
 * together.
 */
public final class KafkaAcls {
    public static final String RESOURCE = "/kafka-acls.txt";

    /** One line of the table, in Strimzi's vocabulary ({@code topic}, {@code prefix}, {@code Read}). */
    public record Grant(String user, String resourceType, String patternType, String name, Set<String> operations) {
        /** The broker's ACL bindings of this grant (one per operation), allowed from any host. */
        public List<AclBinding> bindings() {
            ResourcePattern pattern = new ResourcePattern(KafkaAcls.resourceType(resourceType), name, KafkaAcls.patternType(patternType));
            List<AclBinding> out = new ArrayList<>();
            for (String op : operations) {
                out.add(new AclBinding(pattern, new AccessControlEntry("User:" + user, "*", operation(op), AclPermissionType.ALLOW)));
            }
            return out;
        }
    }

    private KafkaAcls() {
    }

    /** Every grant of the table, in file order. */
    public static List<Grant> grants() {
        try (InputStream in = KafkaAcls.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + RESOURCE, e);
        }
    }

    /** The users (principals without {@code User:}) that have any grant. */
    public static Set<String> users() {
        Set<String> users = new TreeSet<>();
        grants().forEach(g -> users.add(g.user()));
        return users;
    }

    /** Parses the table: {@code user resource pattern name Op,Op}; {@code #} starts a comment. */
    public static List<Grant> parse(String table) {
        List<Grant> grants = new ArrayList<>();
        for (String line : table.split("\n")) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] f = content.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("an ACL line has 5 fields (user resource pattern name operations): " + line);
            }
            Grant g = new Grant(f[0], f[1], f[2], f[3], new LinkedHashSet<>(Arrays.asList(f[4].split(","))));
            g.bindings(); // rejects unknown resource types, patterns and operations now, with the line at hand
            grants.add(g);
        }
        return grants;
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
        throw new IllegalArgumentException("unknown ACL operation " + strimziName + " (Strimzi's names: Read, Write, Describe, All, ...)");
    }
}
